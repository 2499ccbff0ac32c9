'use strict';
// Shared harness for the SDK conformance suite: starts a real mnad on an
// ephemeral port with a fresh data directory, builds official SDK clients
// pointed at it, and offers a raw TC3 signer for requests the SDK cannot make
// (other HTTP methods, malformed Authorization headers, response-header checks).
//
// Every test file owns its server(s): start in before(), stop in after() and
// assert the graceful-shutdown exit code there.

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// Required module by module: loading the package index pulls in ~260 services.
// These are the same classes as tencentcloud.mna.v20210119.Client etc.
const { Client: MnaClient } = require('tencentcloud-sdk-nodejs/tencentcloud/services/mna/v20210119/mna_client');
const { Client: BillingClient } = require('tencentcloud-sdk-nodejs/tencentcloud/services/billing/v20180709/billing_client');
const { CommonClient } = require('tencentcloud-sdk-nodejs/tencentcloud/common/common_client');

const REPO_ROOT = path.resolve(__dirname, '../..');
const MNAD_BIN = process.env.MNAD_BIN
  ? path.resolve(REPO_ROOT, process.env.MNAD_BIN)
  : path.resolve(__dirname, '../../build/mnad');
// mnactl, the operator CLI: MNACTL_BIN (or MNACTL_BINARY) when set, else the
// mnactl next to MNAD_BIN, so that a run against build-asan/ uses that build's.
const MNACTL_ENV = process.env.MNACTL_BIN || process.env.MNACTL_BINARY;
const MNACTL_BIN = MNACTL_ENV
  ? path.resolve(REPO_ROOT, MNACTL_ENV)
  : path.join(path.dirname(MNAD_BIN), 'mnactl');
const SEED_PATH = path.join(__dirname, 'fixtures', 'seed.json');
const SEED = JSON.parse(fs.readFileSync(SEED_PATH, 'utf8'));

const MNA_VERSION = '2021-01-19';
const BILLING_VERSION = '2018-07-09';
const DEFAULT_REGION = 'ap-guangzhou';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
// SDK default is 60 s; a hung server should fail a test quickly instead.
const REQUEST_TIMEOUT_SECONDS = 20;
// The default per-caller limit (20/s per action, as Tencent documents) could
// trip in a file that fires many calls in a row with the same key; the
// conformance servers raise it so that only rate_limit.test.js tests limiting.
const CONFORMANCE_ARGS = ['--rate-limit-per-second', '1000'];

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------- seed data

function account(name) {
  const a = SEED.accounts.find((x) => x.name === name);
  if (!a) throw new Error(`fixture has no account named ${name}`);
  return a;
}

// Credentials of an account's first root key, or of a sub-user's first key.
function cred(accountName, subUserName) {
  const a = account(accountName);
  let keys = a.keys;
  if (subUserName !== undefined) {
    const u = a.sub_users.find((x) => x.name === subUserName);
    if (!u) throw new Error(`fixture account ${accountName} has no sub-user ${subUserName}`);
    keys = u.keys;
  }
  return { secretId: keys[0].secret_id, secretKey: keys[0].secret_key };
}

const KEYS = {
  acmeRoot: cred('acme'),
  acmeMnaOps: cred('acme', 'mna-ops'), // ["mna:*"]
  acmeAdmin: cred('acme', 'admin'), // ["*"]
  acmeFinance: cred('acme', 'finance'), // ["billing:DescribeAccountBalance"]
  globexRoot: cred('globex'),
  frozenRoot: cred('frozen'), // suspended account
  rateRoot: cred('ratelimited'),
  rateSub: cred('ratelimited', 'rate-sub'),
  fleetRoot: cred('fleet'), // 100 devices
  unknown: { secretId: 'AKIDsdkNoSuchKey000000000000000000001', secretKey: 'whatever-secret-0000000000000000001' },
};

// ---------------------------------------------------------------- server

// Starts mnad and resolves once it printed its listening line.
// Returns {port, endpoint, baseUrl, proc, dataDir, output(), stop()}.
// stop() sends SIGTERM and resolves to {code, signal}; it is idempotent.
// seed: null starts without --seed. The admin listener is on an ephemeral
// port unless extraArgs says `--admin-listen off`; then adminUrl is null.
// openFilesMax: start mnad under `ulimit -n` (soft and hard) of that many.
// env: extra environment variables. dataDir: an existing data directory to
// reuse (kept when the server stops).
// With MNAD_TEST_PG_URL (a private PostgreSQL server's URL, scripts/
// pg-test-server.sh), every server runs on PostgreSQL: each data directory
// gets a database of its own, made on first use, so that a server started
// again on the same directory finds its state.
const PG_URL = process.env.MNAD_TEST_PG_URL || null;
const pgDatabases = new Map();
let pgDatabaseCount = 0;
function storeArgs(dataDir) {
  if (!PG_URL) return [];
  let url = pgDatabases.get(dataDir);
  if (!url) {
    const name = `mnad_${process.pid}_${++pgDatabaseCount}`;
    const made = spawnSync('psql', [PG_URL, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`cannot create database ${name}: ${made.stderr}`);
    url = PG_URL.replace(/\/[^/]*$/, `/${name}`);
    pgDatabases.set(dataDir, url);
  }
  return ['--store-url', url];
}

// What /info reports as `store` for a server started on `dataDir`.
function expectedStoreInfo(dataDir) {
  if (!PG_URL) {
    return { backend: 'sqlite', path: path.join(dataDir, 'mnad.db'), in_memory: false, durable_replies: true };
  }
  const url = storeArgs(dataDir)[1].replace(/^(postgres(?:ql)?:\/\/[^:@/]+:)[^@]*@/, '$1***@');
  return { backend: 'postgresql', url, in_memory: false, durable_replies: true };
}

async function startServer({
  seed = SEED_PATH, extraArgs = CONFORMANCE_ARGS, bin = MNAD_BIN, openFilesMax, env = {}, dataDir: given,
} = {}) {
  if (!fs.existsSync(bin)) {
    throw new Error(`mnad binary not found at ${bin} (set MNAD_BIN or build it first)`);
  }
  const dataDir = given || fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-sdk-'));
  const removeDataDir = () => { if (!given) fs.rmSync(dataDir, { recursive: true, force: true }); };
  const args = ['--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--data-dir', dataDir,
    ...(seed === null ? [] : ['--seed', seed]), ...storeArgs(dataDir), ...extraArgs];
  const adminOffAt = extraArgs.indexOf('--admin-listen');
  const wantAdmin = !(adminOffAt >= 0 && extraArgs[adminOffAt + 1] === 'off');
  let adminUrl = null;
  const spawnEnv = { ...process.env, ...env };
  const proc = openFilesMax === undefined
    ? spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: spawnEnv })
    : spawn('/bin/sh', ['-c', `ulimit -n ${Number(openFilesMax)} && exec "$0" "$@"`, bin, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: spawnEnv });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr += d; });

  const exited = new Promise((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let port;
  try {
    port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`mnad did not print its listening line within ${START_TIMEOUT_MS} ms\n` +
          `args: ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, START_TIMEOUT_MS);
      proc.stdout.on('data', (d) => {
        stdout += d;
        const m = /mnad listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        const admin = /mnad admin API on (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m && (admin || !wantAdmin)) {
          clearTimeout(timer);
          if (admin) adminUrl = admin[1];
          resolve(Number(m[1]));
        }
      });
      proc.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot spawn ${bin}: ${e.message}`));
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`mnad exited before listening (code ${code}, signal ${signal})\n` +
          `args: ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      });
    });
  } catch (e) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    removeDataDir();
    throw e;
  }
  // Keep draining stdout so the pipe never fills up.
  proc.stdout.on('data', () => {});

  let stopped = null;
  async function stop() {
    if (stopped) return stopped;
    stopped = (async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (result === null) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`mnad did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\nstderr:\n${stderr}`);
      }
      removeDataDir();
      return result;
    })();
    return stopped;
  }

  // The admin token: the one given with --admin-token, else the one mnad
  // printed when it generated it (null when it read it from its file).
  let adminToken = null;
  const tokenAt = extraArgs.indexOf('--admin-token');
  if (tokenAt >= 0) {
    adminToken = extraArgs[tokenAt + 1];
  } else {
    const printed = /mnad admin token \((?:saved to .*, mode 0600|this run only)\): (\S+)/.exec(stdout);
    if (printed) adminToken = printed[1];
  }

  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    adminUrl,
    adminToken,
    baseUrl: `http://127.0.0.1:${port}/`,
    proc,
    dataDir,
    output: () => ({ stdout, stderr }),
    stop,
  };
}

// The server's resident memory in KiB, from /proc.
function rssKiB(server) {
  const status = fs.readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
}

// The server's CPU time (user + system) in seconds, from /proc.
function cpuSeconds(server) {
  const fields = fs.readFileSync(`/proc/${server.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// True when MNAD_BIN is a sanitizer build, whose allocator keeps freed
// memory in quarantine (memory bounds are then not meaningful).
const SANITIZED = /asan|sanitiz/.test(MNAD_BIN);

// Stops the server and asserts a graceful exit (code 0, no signal).
async function stopAndAssertClean(server) {
  if (!server) return;
  const { code, signal } = await server.stop();
  const { stderr } = server.output();
  assert.equal(signal, null, `mnad was killed by ${signal}\nstderr:\n${stderr.slice(-4000)}`);
  assert.equal(code, 0, `mnad exited with code ${code} after SIGTERM\nstderr:\n${stderr.slice(-4000)}`);
}

// ---------------------------------------------------------------- admin API

// One admin API request: admin(server, 'POST', '/v1/accounts', {body}).
// body is sent as JSON (rawBody as is); token defaults to the server's
// (null: no Authorization header). Resolves to {status, headers, text, json}.
async function admin(server, method, urlPath, { body, rawBody, token = server.adminToken, headers = {} } = {}) {
  assert.ok(server.adminUrl, 'the server has no admin listener');
  const h = { ...headers };
  if (token !== null) h.Authorization = `Bearer ${token}`;
  let payload;
  if (rawBody !== undefined) payload = rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !('Content-Type' in h)) h['Content-Type'] = 'application/json';
  const res = await fetch(server.adminUrl + urlPath, { method, headers: h, body: payload });
  return readReply(res);
}

// A fetch response as {status, headers, text, json (null when not JSON)}.
async function readReply(res) {
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Asserts an admin reply's status and returns its JSON body.
function adminOk(reply, status = 200) {
  assert.equal(reply.status, status, `expected HTTP ${status}, got ${reply.status}: ${reply.text.slice(0, 1000)}`);
  assert.equal(reply.headers.get('content-type'), 'application/json');
  return reply.json;
}

// Asserts an admin refusal: {"error":{"code", "message", "field"?}} with
// exactly this status, code and field (field undefined: no field at all).
function adminError(reply, status, code, field) {
  assert.equal(reply.status, status, `expected HTTP ${status} ${code}, got ${reply.status}: ${reply.text.slice(0, 1000)}`);
  assert.ok(reply.json && reply.json.error, `expected an error body, got ${reply.text.slice(0, 1000)}`);
  const e = reply.json.error;
  assert.deepEqual(Object.keys(reply.json), ['error']);
  assert.equal(e.code, code, `expected code ${code}: ${reply.text}`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, 'the error message must not be empty');
  if (field === undefined) {
    assert.ok(!('field' in e), `expected no field, got ${JSON.stringify(e.field)}: ${reply.text}`);
    assert.deepEqual(Object.keys(e).sort(), ['code', 'message']);
  } else {
    assert.equal(e.field, field, `expected field ${field}: ${reply.text}`);
    assert.deepEqual(Object.keys(e).sort(), ['code', 'field', 'message']);
  }
  return e;
}

// ---------------------------------------------------------------- SDK clients

function clientConfig(port, credential, opts = {}) {
  const {
    region = DEFAULT_REGION,
    reqMethod = 'POST',
    signMethod,
    language,
    headers,
  } = opts;
  const profile = {
    httpProfile: {
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http://',
      reqMethod,
      reqTimeout: REQUEST_TIMEOUT_SECONDS,
    },
  };
  if (headers) profile.httpProfile.headers = headers;
  if (signMethod) profile.signMethod = signMethod;
  if (language) profile.language = language;
  return { credential: { ...credential }, region, profile };
}

// opts: {region ('' to omit X-TC-Region), reqMethod 'POST'|'GET',
//        signMethod 'TC3-HMAC-SHA256'|'HmacSHA256'|'HmacSHA1', language, headers}
function mnaClient(port, credential = KEYS.acmeRoot, opts = {}) {
  return new MnaClient(clientConfig(port, credential, opts));
}

function billingClient(port, credential = KEYS.acmeRoot, opts = {}) {
  return new BillingClient(clientConfig(port, credential, opts));
}

// A generic client for any service/version: commonClient(port, cred, {version}).
function commonClient(port, credential = KEYS.acmeRoot, opts = {}) {
  const { version, defaultEndpoint = 'mna.tencentcloudapi.com', ...rest } = opts;
  assert.ok(version, 'commonClient needs opts.version');
  return new CommonClient(defaultEndpoint, version, clientConfig(port, credential, rest));
}

// ---------------------------------------------------------------- assertions

// Awaits a promise that must reject with a TencentCloudSDKHttpException whose
// .code equals `code`; checks .requestId is a non-empty string and, if given,
// that the message contains every string in `messageIncludes`.
// Returns the error for further checks.
async function expectCode(promise, code, { messageIncludes = [] } = {}) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    assert.equal(err.code, code,
      `expected error code ${code}, got code=${err.code} httpCode=${err.httpCode} message=${JSON.stringify(err.message)}`);
    assert.equal(typeof err.requestId, 'string', 'error requestId must be a string');
    assert.ok(err.requestId.length > 0, 'error requestId must not be empty');
    const includes = Array.isArray(messageIncludes) ? messageIncludes : [messageIncludes];
    for (const s of includes) {
      assert.ok(err.message.includes(s), `error message ${JSON.stringify(err.message)} should mention ${JSON.stringify(s)}`);
    }
    return err;
  }
  assert.fail(`expected error ${code}, but the call succeeded: ${JSON.stringify(result)}`);
}

function assertRequestId(response) {
  assert.equal(typeof response.RequestId, 'string', 'RequestId must be a string');
  assert.match(response.RequestId, UUID_RE, 'RequestId must be a uuid');
}

// ---------------------------------------------------------------- clock skew

// Runs fn with the global clock (Date.now and argument-less new Date(), which
// is what the SDK's TC3 signer uses) shifted by offsetMs; always restores it.
async function withClockOffset(offsetMs, fn) {
  const RealDate = globalThis.Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = ShiftedDate;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

// ---------------------------------------------------------------- raw TC3

function sha256Hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function hmac(key, msg, encoding) {
  return crypto.createHmac('sha256', key).update(msg).digest(encoding);
}

// Builds a TC3-HMAC-SHA256 Authorization value exactly as the SDKs do
// (SignedHeaders content-type;host; host signed without the port).
function tc3Authorization({
  method, query = '', contentType, host = '127.0.0.1', body = '', timestamp,
  service = 'mna', secretId, secretKey,
}) {
  const canonicalRequest = [
    method, '/', query,
    `content-type:${contentType}\nhost:${host}\n`,
    'content-type;host',
    sha256Hex(body),
  ].join('\n');
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac('TC3' + secretKey, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = hmac(kSigning, stringToSign, 'hex');
  return `TC3-HMAC-SHA256 Credential=${secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

// A hand-made TC3 request through the global fetch.
// Options: method, action, version, region, body (string), query (raw,
// already encoded), credential, contentType, headers (extra / overrides),
// authorization (replaces the computed one), signedBody (sign this instead of
// body), timestamp.
// Resolves to {status, headers, text, json} (json null when unparsable).
async function rawTc3(port, {
  method = 'POST',
  action,
  version = MNA_VERSION,
  region = DEFAULT_REGION,
  body,
  query = '',
  credential = KEYS.acmeRoot,
  contentType,
  headers = {},
  authorization,
  signedBody,
  timestamp = Math.floor(Date.now() / 1000),
} = {}) {
  const hasBody = method !== 'GET' && method !== 'HEAD';
  if (body === undefined) body = hasBody ? '{}' : '';
  if (contentType === undefined) contentType = hasBody ? 'application/json' : 'application/x-www-form-urlencoded';
  const auth = authorization !== undefined ? authorization : tc3Authorization({
    method,
    query,
    contentType,
    body: signedBody !== undefined ? signedBody : body,
    timestamp,
    secretId: credential.secretId,
    secretKey: credential.secretKey,
  });
  const h = {
    'Content-Type': contentType,
    'X-TC-Action': action,
    'X-TC-Version': version,
    'X-TC-Timestamp': String(timestamp),
    Authorization: auth,
  };
  if (region) h['X-TC-Region'] = region;
  Object.assign(h, headers);
  for (const k of Object.keys(h)) if (h[k] === undefined || h[k] === null) delete h[k];
  const url = `http://127.0.0.1:${port}/` + (query ? `?${query}` : '');
  const res = await fetch(url, { method, headers: h, body: hasBody ? body : undefined });
  return readReply(res);
}

// Asserts a raw reply is the documented error envelope with `code`.
function assertRawError(reply, code) {
  assert.equal(reply.status, 200, `HTTP status must be 200, body: ${reply.text.slice(0, 500)}`);
  assert.equal(reply.headers.get('content-type'), 'application/json');
  assert.ok(reply.json && reply.json.Response, `body must be {"Response":...}, got ${reply.text.slice(0, 500)}`);
  const r = reply.json.Response;
  assert.ok(r.Error, `expected an Error in ${reply.text.slice(0, 500)}`);
  assert.equal(r.Error.Code, code, `expected ${code}, got ${r.Error.Code}: ${r.Error.Message}`);
  assert.equal(typeof r.Error.Message, 'string');
  assert.equal(typeof r.RequestId, 'string');
  assert.ok(r.RequestId.length > 0);
  return r;
}


// ---------------------------------------------------------------- money

// The billing API reports voucher money in micro (10^-8 CNY): 10^6 per fen.
const MICRO_PER_FEN = 1_000_000;

// Loads a seed fixture (path relative to fixtures/ or absolute) and returns
// {path, seed, account(name), cred(accountName, subUserName)}.
function loadSeed(file) {
  const seedPath = path.isAbsolute(file) ? file : path.join(__dirname, 'fixtures', file);
  return seedHelpers(JSON.parse(fs.readFileSync(seedPath, 'utf8')), seedPath);
}

// Writes a seed object to a fresh temporary file (for generated seeds) and
// returns the same helpers as loadSeed plus remove() to delete the file.
function writeSeed(seed) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-seed-'));
  const seedPath = path.join(dir, 'seed.json');
  fs.writeFileSync(seedPath, JSON.stringify(seed, null, 2));
  return { ...seedHelpers(seed, seedPath), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function seedHelpers(seed, seedPath) {
  function accountOf(name) {
    const a = seed.accounts.find((x) => x.name === name);
    if (!a) throw new Error(`seed ${seedPath} has no account named ${name}`);
    return a;
  }
  function credOf(accountName, subUserName) {
    const a = accountOf(accountName);
    let keys = a.keys;
    if (subUserName !== undefined) {
      const u = (a.sub_users || []).find((x) => x.name === subUserName);
      if (!u) throw new Error(`seed account ${accountName} has no sub-user ${subUserName}`);
      keys = u.keys;
    }
    return { secretId: keys[0].secret_id, secretKey: keys[0].secret_key };
  }
  return { path: seedPath, seed, account: accountOf, cred: credOf };
}

// The account's balance in fen, through billing DescribeAccountBalance.
async function balanceOf(port, credential) {
  const res = await billingClient(port, credential).DescribeAccountBalance({});
  assert.equal(typeof res.Balance, 'number', `Balance must be a number: ${JSON.stringify(res)}`);
  return res.Balance;
}

// Every voucher of the caller's account, through billing DescribeVoucherInfo
// (all pages): {voucherId: {balance (fen), balanceMicro, status, nominalMicro, info}}.
async function vouchersOf(port, credential) {
  const c = billingClient(port, credential);
  const out = {};
  for (let page = 1; ; page++) {
    const res = await c.DescribeVoucherInfo({ Limit: 1000, Offset: page });
    for (const v of res.VoucherInfos) {
      assert.ok(!(v.VoucherId in out), `voucher ${v.VoucherId} listed twice`);
      assert.equal(v.Balance % MICRO_PER_FEN, 0, `voucher ${v.VoucherId} Balance ${v.Balance} is not whole fen`);
      out[v.VoucherId] = {
        balance: v.Balance / MICRO_PER_FEN,
        balanceMicro: v.Balance,
        status: v.Status,
        nominalMicro: v.NominalValue,
        info: v,
      };
    }
    if (res.VoucherInfos.length < 1000 || Object.keys(out).length >= res.TotalCount) break;
  }
  return out;
}

// {balance, vouchers: {id: {balance, status}}} of the caller's account.
async function moneyOf(port, credential) {
  const [balance, vouchers] = await Promise.all([balanceOf(port, credential), vouchersOf(port, credential)]);
  const brief = {};
  for (const [id, v] of Object.entries(vouchers)) brief[id] = { balance: v.balance, status: v.status };
  return { balance, vouchers: brief };
}

// Runs fn (which must refuse with `code`) and asserts that the account seen
// through `observer` (a root key) has the same balance and vouchers after it.
// Returns the error.
async function expectRefusalUnchanged(port, observer, fn, code, opts = {}) {
  const before = await moneyOf(port, observer);
  const err = await expectCode(fn(), code, opts);
  const after = await moneyOf(port, observer);
  assert.deepEqual(after, before, `the refusal ${code} must not change balance or vouchers`);
  return err;
}

module.exports = {
  MNAD_BIN,
  PG_URL,
  storeArgs,
  expectedStoreInfo,
  MNACTL_BIN,
  SEED,
  SEED_PATH,
  KEYS,
  MNA_VERSION,
  BILLING_VERSION,
  DEFAULT_REGION,
  CONFORMANCE_ARGS,
  UUID_RE,
  account,
  cred,
  startServer,
  stopAndAssertClean,
  rssKiB,
  cpuSeconds,
  SANITIZED,
  admin,
  adminOk,
  adminError,
  mnaClient,
  billingClient,
  commonClient,
  expectCode,
  assertRequestId,
  withClockOffset,
  tc3Authorization,
  rawTc3,
  assertRawError,
  MICRO_PER_FEN,
  loadSeed,
  writeSeed,
  balanceOf,
  vouchersOf,
  moneyOf,
  expectRefusalUnchanged,
};
