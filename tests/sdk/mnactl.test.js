'use strict';
// mnactl, the operator's command line, against a real mnad (started with
// --test-clock and an --admin-token): every subcommand, its exit status
// (0 success; 1 the server refused, `mnactl: <code> (<field>): <message>` on
// stderr; 2 bad usage, an unreachable server, no token), the JSON it prints
// with --json and, for some commands, the table it prints without.
// `mnactl call` is checked with credentials from the environment and from a
// tccli profile file under a temporary $HOME.
//
// mnactl is found like mnad: MNACTL_BIN, else next to MNAD_BIN.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');

const TOKEN = 'mnactl-test-admin-token-0123456789abcdef';
const TEST_ARGS = [...h.CONFORMANCE_ARGS, '--test-clock', '--admin-token', TOKEN];
const RESOURCE_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/;
const ORDER_ID_RE = /^ord-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ACME = h.account('acme');
const GLOBEX = h.account('globex');
const DEFAULT_PRICES = {
  license_fen: 100000,
  flow_packages_fen: {
    DEVICE_1_FLOW_20G: 3000, DEVICE_2_FLOW_50G: 6000, DEVICE_3_FLOW_100G: 10000, DEVICE_5_FLOW_500G: 40000,
  },
};

// ---------------------------------------------------------------- running mnactl

// A scratch directory for the whole file: an empty $HOME and working
// directory (no ./data/admin-token, no ~/.tccli) unless a test fills them.
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'mnactl-test-'));
const EMPTY_HOME = path.join(SCRATCH, 'home');
const EMPTY_CWD = path.join(SCRATCH, 'cwd');
fs.mkdirSync(EMPTY_HOME);
fs.mkdirSync(EMPTY_CWD);

// The environment without anything that configures mnactl.
const BASE_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
  !k.startsWith('MNAD_') && !k.startsWith('TENCENTCLOUD_')));
BASE_ENV.HOME = EMPTY_HOME;

function scratchDir(name) {
  return fs.mkdtempSync(path.join(SCRATCH, `${name}-`));
}

// Runs mnactl with exactly `args`; env adds to (undefined removes from) the
// clean environment. Resolves to {code, stdout, stderr}.
function mnactl(args, { env = {}, cwd = EMPTY_CWD } = {}) {
  if (!fs.existsSync(h.MNACTL_BIN)) {
    throw new Error(`mnactl binary not found at ${h.MNACTL_BIN} (set MNACTL_BIN or build it first)`);
  }
  const fullEnv = { ...BASE_ENV, ...env };
  for (const k of Object.keys(fullEnv)) if (fullEnv[k] === undefined) delete fullEnv[k];
  return new Promise((resolve, reject) => {
    const proc = spawn(h.MNACTL_BIN, args, { env: fullEnv, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.once('error', (e) => { clearTimeout(timer); reject(e); });
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) reject(new Error(`mnactl ${args.join(' ')} was killed by ${signal}\nstderr:\n${stderr}`));
      else resolve({ code, stdout, stderr, args });
    });
  });
}

function describeRun(r) {
  return `mnactl ${r.args.join(' ')}\n-> exit ${r.code}\nstdout:\n${r.stdout.slice(0, 3000)}\nstderr:\n${r.stderr.slice(0, 3000)}`;
}

// Success: exit 0, nothing on stderr; returns stdout.
function ok(r) {
  assert.equal(r.code, 0, `expected exit 0\n${describeRun(r)}`);
  assert.equal(r.stderr, '', `expected an empty stderr\n${describeRun(r)}`);
  return r.stdout;
}

// Success with --json: parses stdout (and checks it is the pretty form).
function okJson(r) {
  const out = ok(r);
  assert.ok(out.endsWith('\n'), `JSON output ends with a newline\n${describeRun(r)}`);
  return JSON.parse(out);
}

// The server refused: exit 1, nothing on stdout, exactly one stderr line
// `mnactl: <code> (<field>): <message>` (field undefined: no parentheses).
// Returns the message.
function refused(r, code, field) {
  assert.equal(r.code, 1, `expected exit 1 (${code})\n${describeRun(r)}`);
  assert.equal(r.stdout, '', `a refusal prints nothing on stdout\n${describeRun(r)}`);
  const prefix = field === undefined ? `mnactl: ${code}: ` : `mnactl: ${code} (${field}): `;
  assert.ok(r.stderr.startsWith(prefix), `stderr should start with ${JSON.stringify(prefix)}\n${describeRun(r)}`);
  assert.ok(r.stderr.endsWith('\n'));
  const message = r.stderr.slice(prefix.length, -1);
  assert.ok(message.length > 0, 'the message is not empty');
  assert.ok(!message.includes('\n'), `one line only\n${describeRun(r)}`);
  return message;
}

// A usage error / unreachable server / missing token: exit 2, nothing on
// stdout, stderr matching `re`.
function usage(r, re) {
  assert.equal(r.code, 2, `expected exit 2\n${describeRun(r)}`);
  assert.equal(r.stdout, '', `nothing on stdout\n${describeRun(r)}`);
  if (re) assert.match(r.stderr, re, describeRun(r));
}

// Parses a table printed without --json: the header row (column names in
// upper case, two spaces apart at least) and one object per row, cells cut
// at the header's column positions.
function table(out) {
  const lines = out.split('\n');
  assert.equal(lines.pop(), '', 'the table ends with a newline');
  assert.ok(lines.length >= 1, 'a table has a header');
  const header = lines[0];
  const columns = [];
  const re = /\S+/g;
  let m;
  while ((m = re.exec(header)) !== null) columns.push({ name: m[0], start: m.index });
  for (const c of columns) assert.match(c.name, /^[A-Z0-9_]+$/, `header cell ${c.name} is upper case`);
  const rows = lines.slice(1).map((line) => {
    const row = {};
    columns.forEach((c, i) => {
      const end = i + 1 < columns.length ? columns[i + 1].start : undefined;
      row[c.name] = line.slice(c.start, end).trim();
    });
    return row;
  });
  return { columns: columns.map((c) => c.name), rows };
}

// `name: value` lines (the output of a command whose reply is no list).
function fields(out) {
  const result = {};
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const at = line.indexOf(': ');
    assert.ok(at > 0, `not a "name: value" line: ${JSON.stringify(line)}`);
    result[line.slice(0, at)] = line.slice(at + 2);
  }
  return result;
}

function counter(metrics, labels) {
  const line = metrics.split('\n').find((l) => l.startsWith(`mnad_requests_total{${labels}} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

function writeJson(dir, name, value) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

// A TCP port nobody listens on.
async function deadPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The admin-connection flags of `server`, then `args`.
function adminArgs(server, args) {
  return ['--admin-url', server.adminUrl, '--admin-token', TOKEN, ...args];
}

// Removed at exit: a top-level after() does not run when a suite's hook fails.
process.once('exit', () => fs.rmSync(SCRATCH, { recursive: true, force: true }));

// ================================================================ one server, seed.json

describe('mnactl against a seeded server', () => {
  let server;
  const ctl = (...args) => mnactl(adminArgs(server, args));
  const ctlJson = async (...args) => okJson(await mnactl(adminArgs(server, ['--json', ...args])));
  // `call` as the given key against this server's TC API.
  const callAs = (cred, ...args) => mnactl(['call', ...args, '--endpoint', `http://${server.endpoint}`], {
    env: { TENCENTCLOUD_SECRET_ID: cred.secretId, TENCENTCLOUD_SECRET_KEY: cred.secretKey },
  });

  before(async () => {
    server = await h.startServer({ extraArgs: TEST_ARGS });
  });
  after(async () => {
    await h.stopAndAssertClean(server);
  });

  it('info: version, store and the seed\'s entity counts, as fields and as JSON', async () => {
    const info = await ctlJson('info');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof info.uptime_seconds, 'number');
    assert.deepEqual(info.store, h.expectedStoreInfo(server.dataDir));
    assert.equal(info.test_clock, true);
    assert.deepEqual(info.counts, {
      accounts: 5, sub_users: 4, api_keys: 9, vouchers: 0, devices: 106, hardware: 0,
      licenses: 0, orders: 0, flow_packages: 0, journal: 4,
    });
    const shown = fields(ok(await ctl('info')));
    assert.equal(shown.version, info.version);
    assert.equal(shown['store.backend'], h.expectedStoreInfo(server.dataDir).backend);
    assert.equal(shown['counts.accounts'], '5');
    assert.equal(shown['counts.devices'], '106');
    assert.equal(shown.test_clock, 'true');
  });

  it('health needs no token; every other command needs the right one, from a flag, the environment or a file', async () => {
    // health: no token at all, exit 0, the server's JSON.
    const health = await mnactl(['--admin-url', server.adminUrl, 'health']);
    assert.equal(ok(health), '{"status":"ready"}\n');
    assert.equal(ok(await mnactl(['health'], { env: { MNAD_ADMIN_URL: server.adminUrl } })), '{"status":"ready"}\n');

    const expectAcme = (r) => {
      const listed = JSON.parse(ok(r)).accounts;
      assert.equal(listed.length, 5);
      assert.equal(listed[0].uin, ACME.uin);
    };
    // Flags.
    expectAcme(await mnactl(['--admin-url', server.adminUrl, '--admin-token', TOKEN, '--json', 'accounts', 'list']));
    // Environment.
    expectAcme(await mnactl(['--json', 'accounts', 'list'],
      { env: { MNAD_ADMIN_URL: server.adminUrl, MNAD_ADMIN_TOKEN: TOKEN } }));
    // --token-file and MNAD_ADMIN_TOKEN_FILE (the first line of the file).
    const dir = scratchDir('tokens');
    const good = writeJson(dir, 'good-token', `${TOKEN}\n`);
    const wrong = writeJson(dir, 'wrong-token', `${'w'.repeat(40)}\n`);
    const empty = writeJson(dir, 'empty-token', '');
    expectAcme(await mnactl(['--admin-url', server.adminUrl, '--token-file', good, '--json', 'accounts', 'list']));
    expectAcme(await mnactl(['--json', 'accounts', 'list'],
      { env: { MNAD_ADMIN_URL: server.adminUrl, MNAD_ADMIN_TOKEN_FILE: good } }));
    // The default token file: ./data/admin-token, where mnad writes it.
    const cwd = scratchDir('cwd');
    fs.mkdirSync(path.join(cwd, 'data'));
    fs.writeFileSync(path.join(cwd, 'data', 'admin-token'), TOKEN);
    expectAcme(await mnactl(['--admin-url', server.adminUrl, '--json', 'accounts', 'list'], { cwd }));
    // A token (flag or environment) wins over a file; the flag over the environment.
    expectAcme(await mnactl(['--admin-url', server.adminUrl, '--token-file', wrong, '--admin-token', TOKEN,
      '--json', 'accounts', 'list']));
    expectAcme(await mnactl(['--admin-url', server.adminUrl, '--token-file', wrong, '--json', 'accounts', 'list'],
      { env: { MNAD_ADMIN_TOKEN: TOKEN } }));
    expectAcme(await mnactl(['--admin-url', server.adminUrl, '--admin-token', TOKEN, '--json', 'accounts', 'list'],
      { env: { MNAD_ADMIN_TOKEN: 'x'.repeat(40) } }));

    // A wrong token: the server refuses, exit 1.
    const unauthorized = /^Send the admin token as `Authorization: Bearer <token>`\.$/;
    assert.match(refused(await mnactl(['--admin-url', server.adminUrl, '--admin-token', 'x'.repeat(40),
      'accounts', 'list']), 'unauthorized'), unauthorized);
    assert.match(refused(await mnactl(['accounts', 'list'],
      { env: { MNAD_ADMIN_URL: server.adminUrl, MNAD_ADMIN_TOKEN: 'nope' } }), 'unauthorized'), unauthorized);
    refused(await mnactl(['--admin-url', server.adminUrl, '--token-file', wrong, 'balance', 'show', ACME.uin]),
      'unauthorized');
    refused(await mnactl(['--admin-url', server.adminUrl, '--admin-token', 'x'.repeat(40), 'info']), 'unauthorized');
    refused(await mnactl(['--admin-url', server.adminUrl, '--admin-token', 'x'.repeat(40), 'metrics']),
      'unauthorized');

    // No token at all: exit 2 before anything is sent.
    const noToken = /^mnactl: no admin token: pass --admin-token, set MNAD_ADMIN_TOKEN, or point --token-file at mnad's <data-dir>\/admin-token \(now \.\/data\/admin-token\)\n$/;
    usage(await mnactl(['--admin-url', server.adminUrl, 'accounts', 'list']), noToken);
    usage(await mnactl(['balance', 'topup', ACME.uin, '100', '--reason', 'x'],
      { env: { MNAD_ADMIN_URL: server.adminUrl } }), noToken);
    usage(await mnactl(['--admin-url', server.adminUrl, '--token-file', empty, 'accounts', 'list']),
      /^mnactl: no admin token: .*\(now .*empty-token\)\n$/);
    usage(await mnactl(['--admin-url', server.adminUrl, '--token-file', path.join(dir, 'absent'), 'info']),
      /^mnactl: no admin token: /);
    // Nothing was topped up by the refused calls.
    assert.equal((await ctlJson('balance', 'show', ACME.uin)).balance_fen, ACME.balance_fen);

    // An unreachable server or an unusable URL: exit 2.
    const dead = `http://127.0.0.1:${await deadPort()}`;
    usage(await mnactl(['--admin-url', dead, '--admin-token', TOKEN, 'accounts', 'list']),
      new RegExp(`^mnactl: cannot reach ${dead}: .+\\n$`));
    usage(await mnactl(['health'], { env: { MNAD_ADMIN_URL: dead } }), /^mnactl: cannot reach /);
    usage(await mnactl(['--admin-url', 'https://127.0.0.1:1', '--admin-token', TOKEN, 'accounts', 'list']),
      /^mnactl: https:\/\/127\.0\.0\.1:1: only http:\/\/ URLs are supported\n$/);
  });

  it('metrics prints the Prometheus text as it is', async () => {
    const out = ok(await ctl('metrics'));
    assert.ok(out.startsWith('# HELP mnad_requests_total '),
      `metrics should print the Prometheus exposition text, got: ${out.slice(0, 200)}`);
    assert.match(out, /^# TYPE mnad_requests_total counter$/m);
    assert.match(out, /^mnad_rate_limit_refusals_total \d+$/m);
    assert.match(out, /^mnad_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    assert.ok(out.endsWith('\n'));
    // --json changes nothing for a text reply.
    assert.ok(ok(await ctl('--json', 'metrics')).startsWith('# HELP mnad_requests_total '));
  });

  it('accounts list, show, create (flags and --from-file), set', async () => {
    // list: a table, one row per account, and the API's JSON.
    const listed = (await ctlJson('accounts', 'list')).accounts;
    assert.deepEqual(listed.map((a) => a.uin), h.SEED.accounts.map((a) => a.uin));
    const t = table(ok(await ctl('accounts', 'list')));
    assert.deepEqual(t.columns, ['UIN', 'NAME', 'APP_ID', 'BALANCE_FEN', 'IDENTITY_VERIFIED',
      'SERVICE_AUTHORIZED', 'SUSPENDED', 'VENDOR']);
    assert.equal(t.rows.length, h.SEED.accounts.length);
    assert.deepEqual(t.rows[0], {
      UIN: ACME.uin, NAME: 'acme', APP_ID: String(ACME.app_id), BALANCE_FEN: String(ACME.balance_fen),
      IDENTITY_VERIFIED: 'true', SERVICE_AUTHORIZED: 'true', SUSPENDED: 'false', VENDOR: '-',
    });
    assert.equal(t.rows.find((r) => r.NAME === 'frozen').SUSPENDED, 'true');

    // show: the account, its keys (never a secret), sub-users and vouchers.
    const shown = await ctlJson('accounts', 'show', ACME.uin);
    assert.deepEqual(Object.keys(shown), ['account', 'keys', 'sub_users', 'vouchers']);
    assert.equal(shown.account.name, 'acme');
    assert.equal(shown.account.balance_fen, ACME.balance_fen);
    assert.equal(shown.account.vendor, null);
    assert.match(shown.account.created_at, RFC3339_RE);
    assert.equal(shown.keys.length, 4);
    for (const k of shown.keys) assert.ok(!('secret_key' in k), `accounts show must not show secrets: ${JSON.stringify(k)}`);
    assert.deepEqual(shown.keys.map((k) => k.secret_id).sort(),
      [ACME.keys[0].secret_id, ...ACME.sub_users.map((u) => u.keys[0].secret_id)].sort());
    assert.deepEqual(shown.sub_users.map((u) => u.name), ['mna-ops', 'admin', 'finance']);
    assert.deepEqual(shown.vouchers, []);
    const shownText = ok(await ctl('accounts', 'show', ACME.uin));
    assert.match(shownText, /^account\.uin: 200000000001$/m);
    assert.match(shownText, /^account\.name: acme$/m);
    assert.match(shownText, /^account\.vendor: -$/m);
    assert.match(shownText, /^keys:\nSECRET_ID +ACCOUNT_UIN +SUB_USER_UIN +ENABLED +CREATED_AT\n/m);
    assert.match(shownText, /^sub_users:\nUIN +NAME +ALLOWED_ACTIONS +PAYMENT_ALLOWED +KEYS\n/m);
    assert.match(shownText, /^vouchers: -$/m);
    assert.ok(!shownText.includes(ACME.keys[0].secret_key), 'no secret in the table');
    refused(await ctl('accounts', 'show', '299999999999'), 'not_found', 'uin');

    // create with flags.
    const created = await ctlJson('accounts', 'create', '--uin', '300000000001', '--app-id', '1300000301',
      '--name', 'newco', '--identity-verified', 'true', '--service-authorized', 'false', '--suspended', 'false',
      '--balance-fen', '777');
    assert.equal(created.account.uin, '300000000001');
    assert.equal(created.account.app_id, 1300000301);
    assert.equal(created.account.name, 'newco');
    assert.equal(created.account.identity_verified, true);
    assert.equal(created.account.service_authorized, false);
    assert.equal(created.account.suspended, false);
    assert.equal(created.account.vendor, null);
    assert.equal(created.account.balance_fen, 777);
    assert.deepEqual(created.created.accounts, { created: 1, skipped: 0 });
    assert.deepEqual(created.created.keys, { created: 0, skipped: 0 });
    // ... without --json: the account's fields.
    const plain = fields(ok(await ctl('accounts', 'create', '--uin', '300000000002', '--app-id', '1300000302',
      '--name', 'plainco', '--vendor', 'PlainVendor')));
    assert.equal(plain['account.uin'], '300000000002');
    assert.equal(plain['account.name'], 'plainco');
    assert.equal(plain['account.vendor'], 'PlainVendor');
    assert.equal(plain['account.balance_fen'], '0');
    assert.equal(plain['created.accounts.created'], '1');

    // create --from-file: a whole seed-format account.
    const dir = scratchDir('accounts');
    const file = writeJson(dir, 'vendorco.json', {
      uin: '300000000003', app_id: 1300000303, name: 'vendorco', identity_verified: true,
      service_authorized: true, vendor: { name: 'VendorCo' }, balance_fen: 5000,
      keys: [{ secret_id: 'AKIDmnactlVendorCo000000000000000001', secret_key: 'mnactl-vendorco-secret-00000000001' }],
      sub_users: [{ uin: '300000000031', name: 'ops', allowed_actions: ['mna:*'], keys: [] }],
      vouchers: [{ voucher_id: 'v-mnactl-vendorco', nominal_fen: 1000,
        begin_time: '2020-01-01T00:00:00Z', end_time: '2099-01-01T00:00:00Z' }],
      devices: [{ device_id: 'mna-mnactlvc01', name: 'dev-1', license_pay_mode: 1, remark: 'from file' }],
      hardware: [{ hardware_id: 'cpe-mnactlvc01', sn: 'SN-MNACTL-1', license_charging_mode: 3, description: 'box' }],
    });
    const fromFile = await ctlJson('accounts', 'create', '--from-file', file);
    assert.equal(fromFile.account.uin, '300000000003');
    assert.deepEqual(fromFile.account.vendor, { name: 'VendorCo' });
    assert.equal(fromFile.account.balance_fen, 5000);
    for (const kind of ['accounts', 'keys', 'sub_users', 'vouchers', 'devices', 'hardware']) {
      assert.deepEqual(fromFile.created[kind], { created: 1, skipped: 0 }, kind);
    }
    const vendorco = await ctlJson('accounts', 'show', '300000000003');
    assert.deepEqual(vendorco.keys.map((k) => k.secret_id), ['AKIDmnactlVendorCo000000000000000001']);
    assert.deepEqual(vendorco.sub_users.map((u) => u.uin), ['300000000031']);
    assert.deepEqual(vendorco.vouchers.map((v) => [v.voucher_id, v.balance_fen, v.status]),
      [['v-mnactl-vendorco', 1000, 'unUsed']]);
    // The vendor shows by name in the list.
    const vendorRow = table(ok(await ctl('accounts', 'list'))).rows.find((r) => r.UIN === '300000000003');
    assert.equal(vendorRow.VENDOR, 'VendorCo');

    // Refusals.
    assert.match(refused(await ctl('accounts', 'create', '--uin', '300000000001', '--app-id', '1', '--name', 'dup'),
      'conflict', 'uin'), /300000000001 already exists/);
    refused(await ctl('accounts', 'create', '--from-file', file), 'conflict', 'uin');
    refused(await ctl('accounts', 'create', '--uin', 'abc', '--app-id', '1', '--name', 'x'), 'invalid_field', 'uin');
    refused(await ctl('accounts', 'create', '--uin', '300000000009', '--app-id', '0', '--name', 'x'),
      'invalid_field', 'app_id');
    refused(await ctl('accounts', 'create', '--app-id', '1', '--name', 'x'), 'invalid_field', 'uin');
    usage(await ctl('accounts', 'create', '--from-file', file, '--name', 'x'),
      /^mnactl: --from-file cannot be combined with other fields\n$/);
    usage(await ctl('accounts', 'create', '--uin', '300000000009', '--app-id', '1', '--name', 'x',
      '--identity-verified', 'maybe'), /^mnactl: identity-verified: expected true or false, got "maybe"\n$/);
    usage(await ctl('accounts', 'create', '--uin', '300000000009', '--app-id', 'one', '--name', 'x'),
      /^mnactl: app-id: expected an integer, got "one"\n$/);
    usage(await ctl('accounts', 'create', '--from-file', path.join(dir, 'absent.json')),
      /^mnactl: cannot read .*absent\.json\n$/);
    usage(await ctl('accounts', 'create', '--from-file', writeJson(dir, 'broken.json', '{"uin": ')),
      /^mnactl: .*broken\.json: not valid JSON: /);
    refused(await ctl('accounts', 'show', '300000000009'), 'not_found', 'uin');

    // set.
    const set = await ctlJson('accounts', 'set', '300000000001', '--name', 'renamed', '--app-id', '99',
      '--identity-verified', 'false', '--service-authorized', 'true', '--suspended', 'true', '--vendor', 'NewVendor');
    assert.deepEqual({ ...set.account, created_at: undefined }, {
      uin: '300000000001', app_id: 99, name: 'renamed', identity_verified: false, service_authorized: true,
      suspended: true, vendor: { name: 'NewVendor' }, balance_fen: 777, created_at: undefined,
    });
    const unset = await ctlJson('accounts', 'set', '300000000001', '--vendor', 'none', '--suspended', 'false');
    assert.equal(unset.account.vendor, null);
    assert.equal(unset.account.suspended, false);
    assert.equal(unset.account.name, 'renamed');
    assert.match(refused(await ctl('accounts', 'set', '300000000001', '--vendor', 'VendorCo'),
      'conflict', 'vendor.name'), /300000000003 is already that vendor/);
    refused(await ctl('accounts', 'set', '300000000003', '--vendor', 'none'), 'conflict', 'vendor');
    assert.equal(refused(await ctl('accounts', 'set', '300000000001'), 'invalid_field'), 'names no field to change');
    refused(await ctl('accounts', 'set', '299999999999', '--name', 'x'), 'not_found', 'uin');
    // The refusals changed nothing.
    const after = (await ctlJson('accounts', 'show', '300000000001')).account;
    assert.equal(after.vendor, null);
    assert.equal(after.name, 'renamed');
    // A one-object reply prints that object's fields, without its name.
    const again = fields(ok(await ctl('accounts', 'set', '300000000001', '--name', 'again')));
    assert.equal(again.name, 'again');
    assert.equal(again.uin, '300000000001');
    assert.equal(again.vendor, '-');
  });

  it('keys list, create (secret shown once), disable, enable, delete; the key works for call', async () => {
    const uin = '310000000001';
    await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1310000001', '--name', 'keyco',
      '--identity-verified', 'true', '--service-authorized', 'true', '--balance-fen', '4321');
    assert.deepEqual((await ctlJson('keys', 'list', uin)).keys, []);
    assert.equal(ok(await ctl('keys', 'list', uin)), '(none)\n');

    // A generated key: AKID + 32, a 32-character secret, shown once.
    const generated = (await ctlJson('keys', 'create', uin)).key;
    assert.deepEqual(Object.keys(generated).sort(),
      ['account_uin', 'created_at', 'enabled', 'secret_id', 'secret_key', 'sub_user_uin']);
    assert.match(generated.secret_id, /^AKID[A-Za-z0-9]{32}$/);
    assert.match(generated.secret_key, /^[A-Za-z0-9]{32}$/);
    assert.equal(generated.account_uin, uin);
    assert.equal(generated.sub_user_uin, null);
    assert.equal(generated.enabled, true);
    // A chosen key, shown as fields.
    const chosenId = 'AKIDmnactlKeyCo0000000000000000000001';
    const chosenKey = 'mnactl-keyco-secret-000000000000001';
    const chosen = fields(ok(await ctl('keys', 'create', uin, '--secret-id', chosenId, '--secret-key', chosenKey)));
    assert.equal(chosen.secret_id, chosenId);
    assert.equal(chosen.secret_key, chosenKey);
    assert.equal(chosen.sub_user_uin, '-');

    // list: never a secret.
    const listed = (await ctlJson('keys', 'list', uin)).keys;
    assert.deepEqual(listed.map((k) => k.secret_id).sort(), [generated.secret_id, chosenId].sort());
    for (const k of listed) assert.ok(!('secret_key' in k), `keys list must not show secrets: ${JSON.stringify(k)}`);
    const listText = ok(await ctl('keys', 'list', uin));
    assert.ok(!listText.includes(generated.secret_key) && !listText.includes(chosenKey), 'no secret in the table');
    const t = table(listText);
    assert.deepEqual(t.columns, ['SECRET_ID', 'ACCOUNT_UIN', 'SUB_USER_UIN', 'ENABLED', 'CREATED_AT']);
    assert.equal(t.rows.length, 2);
    for (const row of t.rows) {
      assert.equal(row.ACCOUNT_UIN, uin);
      assert.equal(row.SUB_USER_UIN, '-');
      assert.equal(row.ENABLED, 'true');
      assert.match(row.CREATED_AT, RFC3339_RE);
    }
    assert.ok(!JSON.stringify(await ctlJson('keys', 'list', ACME.uin)).includes('secret_key'));

    // The new key signs TC API calls.
    const cred = { secretId: generated.secret_id, secretKey: generated.secret_key };
    const balance = okJson(await callAs(cred, 'billing', 'DescribeAccountBalance'));
    assert.equal(balance.Uin, Number(uin));
    assert.equal(balance.Balance, 4321);

    // disable / enable.
    const disabled = (await ctlJson('keys', 'disable', generated.secret_id)).key;
    assert.equal(disabled.enabled, false);
    assert.ok(!('secret_key' in disabled));
    const refusedCall = await callAs(cred, 'billing', 'DescribeAccountBalance');
    assert.equal(refusedCall.code, 1, describeRun(refusedCall));
    assert.equal(JSON.parse(refusedCall.stdout).Error.Code, 'AuthFailure.SecretIdNotFound');
    assert.equal((await ctlJson('keys', 'list', uin)).keys.find((k) => k.secret_id === generated.secret_id).enabled,
      false);
    const enabled = fields(ok(await ctl('keys', 'enable', generated.secret_id)));
    assert.equal(enabled.enabled, 'true');
    assert.equal(okJson(await callAs(cred, 'billing', 'DescribeAccountBalance')).Uin, Number(uin));

    // delete.
    const deleted = (await ctlJson('keys', 'delete', generated.secret_id)).deleted;
    assert.equal(deleted.secret_id, generated.secret_id);
    assert.ok(!('secret_key' in deleted));
    assert.deepEqual((await ctlJson('keys', 'list', uin)).keys.map((k) => k.secret_id), [chosenId]);
    const gone = await callAs(cred, 'billing', 'DescribeAccountBalance');
    assert.equal(gone.code, 1);
    assert.equal(JSON.parse(gone.stdout).Error.Code, 'AuthFailure.SecretIdNotFound');

    // Refusals.
    refused(await ctl('keys', 'delete', generated.secret_id), 'not_found', 'secret_id');
    refused(await ctl('keys', 'disable', 'AKIDnoSuchKey'), 'not_found', 'secret_id');
    refused(await ctl('keys', 'enable', 'AKIDnoSuchKey'), 'not_found', 'secret_id');
    refused(await ctl('keys', 'create', uin, '--secret-id', chosenId), 'conflict', 'secret_id');
    refused(await ctl('keys', 'create', uin, '--secret-key', 'short'), 'invalid_field', 'secret_key');
    refused(await ctl('keys', 'create', uin, '--sub-user', '310000000099'), 'not_found', 'sub_user_uin');
    refused(await ctl('keys', 'create', '319999999999'), 'not_found', 'uin');
    refused(await ctl('keys', 'list', '319999999999'), 'not_found', 'uin');
    assert.deepEqual((await ctlJson('keys', 'list', uin)).keys.map((k) => k.secret_id), [chosenId]);
  });

  it('keys create --sub-user gives an existing sub-user a key', async () => {
    // acme's mna-ops (mna:*) already has one key; it gets a second.
    const subKey = (await ctlJson('keys', 'create', ACME.uin, '--sub-user', '200000000011')).key;
    assert.equal(subKey.sub_user_uin, '200000000011');
    assert.equal(subKey.account_uin, ACME.uin);
    assert.match(subKey.secret_id, /^AKID[A-Za-z0-9]{32}$/);
    assert.match(subKey.secret_key, /^[A-Za-z0-9]{32}$/);
    const mnaOps = (await ctlJson('sub-users', 'list', ACME.uin)).sub_users.find((u) => u.uin === '200000000011');
    assert.deepEqual(mnaOps.keys.sort(), ['AKIDsdkAcmeMnaOps000000000000000000001', subKey.secret_id].sort());
    // It signs as the sub-user: mna:* allows GetDevices, not billing.
    const cred = { secretId: subKey.secret_id, secretKey: subKey.secret_key };
    const devices = okJson(await callAs(cred, 'mna', 'GetDevices', '--PageSize', '10', '--PageNumber', '1'));
    assert.equal(devices.Length, ACME.devices.length);
    const billing = await callAs(cred, 'billing', 'DescribeAccountBalance');
    assert.equal(billing.code, 1, describeRun(billing));
    assert.equal(JSON.parse(billing.stdout).Error.Code, 'AuthFailure.UnauthorizedOperation');
  });

  it('sub-users list and set', async () => {
    const listed = (await ctlJson('sub-users', 'list', ACME.uin)).sub_users;
    // An earlier test gave a sub-user one more key: compare the seeded ones.
    assert.deepEqual(listed.map(({ keys, ...rest }) => rest), ACME.sub_users.map((u) => ({
      uin: u.uin, name: u.name, allowed_actions: u.allowed_actions, payment_allowed: u.payment_allowed,
    })));
    ACME.sub_users.forEach((u, i) => {
      for (const k of u.keys) assert.ok(listed[i].keys.includes(k.secret_id), k.secret_id);
    });
    const t = table(ok(await ctl('sub-users', 'list', ACME.uin)));
    assert.deepEqual(t.columns, ['UIN', 'NAME', 'ALLOWED_ACTIONS', 'PAYMENT_ALLOWED', 'KEYS']);
    assert.deepEqual(t.rows.map((r) => [r.UIN, r.NAME, r.ALLOWED_ACTIONS, r.PAYMENT_ALLOWED]), [
      ['200000000011', 'mna-ops', 'mna:*', 'false'],
      ['200000000012', 'admin', '*', 'true'],
      ['200000000013', 'finance', 'billing:DescribeAccountBalance', 'false'],
    ]);
    assert.equal(ok(await ctl('sub-users', 'list', GLOBEX.uin)), '(none)\n');

    // set, on a sub-user of an account of its own.
    const uin = '320000000001';
    const dir = scratchDir('subusers');
    await ctlJson('accounts', 'create', '--from-file', writeJson(dir, 'a.json', {
      uin, app_id: 1320000001, name: 'subco',
      sub_users: [{ uin: '320000000011', name: 'ops', allowed_actions: ['mna:GetDevices'], payment_allowed: false,
        keys: [{ secret_id: 'AKIDmnactlSubCoOps00000000000000001', secret_key: 'mnactl-subco-ops-secret-000000001' }] }],
    }));
    const set = (await ctlJson('sub-users', 'set', uin, '320000000011', '--name', 'operators',
      '--allow', 'mna:*', '--allow', 'billing:DescribeAccountBalance', '--payment-allowed', 'true')).sub_user;
    assert.deepEqual(set, {
      uin: '320000000011', name: 'operators', allowed_actions: ['mna:*', 'billing:DescribeAccountBalance'],
      payment_allowed: true, keys: ['AKIDmnactlSubCoOps00000000000000001'],
    });
    const plain = fields(ok(await ctl('sub-users', 'set', uin, '320000000011', '--payment-allowed', 'false')));
    assert.equal(plain.payment_allowed, 'false');
    assert.equal(plain.name, 'operators');
    assert.equal(plain.allowed_actions, 'mna:*,billing:DescribeAccountBalance');
    refused(await ctl('sub-users', 'set', uin, '320000000099', '--name', 'x'), 'not_found', 'sub_user_uin');
    refused(await ctl('sub-users', 'set', '329999999999', '320000000011', '--name', 'x'), 'not_found', 'uin');
    refused(await ctl('sub-users', 'set', uin, '320000000011', '--allow', 'bogus'),
      'invalid_field', 'allowed_actions[0]');
    assert.equal(refused(await ctl('sub-users', 'set', uin, '320000000011'), 'invalid_field'),
      'names no field to change');
    refused(await ctl('sub-users', 'list', '329999999999'), 'not_found', 'uin');
    assert.deepEqual((await ctlJson('sub-users', 'list', uin)).sub_users, [{ ...set, payment_allowed: false }]);
  });

  it('sub-users create puts the sub-user (--uin) under the account (positional UIN)', async () => {
    const uin = '330000000001';
    await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1330000001', '--name', 'newsubco');
    const r = await ctl('--json', 'sub-users', 'create', uin, '--uin', '330000000011', '--name', 'ops',
      '--allow', 'mna:GetDevices', '--allow', 'billing:DescribeAccountBalance', '--payment-allowed', 'true');
    assert.deepEqual(okJson(r).sub_user, {
      uin: '330000000011', name: 'ops', allowed_actions: ['mna:GetDevices', 'billing:DescribeAccountBalance'],
      payment_allowed: true, keys: [],
    });
    assert.deepEqual((await ctlJson('sub-users', 'list', uin)).sub_users.map((u) => u.uin), ['330000000011']);
    const shown = fields(ok(await ctl('sub-users', 'create', uin, '--uin', '330000000012', '--name', 'viewer',
      '--allow', 'mna:GetDevices')));
    assert.deepEqual(shown, { uin: '330000000012', name: 'viewer', allowed_actions: 'mna:GetDevices',
      payment_allowed: 'false', keys: '-' });
    assert.deepEqual((await ctlJson('sub-users', 'list', uin)).sub_users.map((u) => u.uin),
      ['330000000011', '330000000012']);
    // The same UIN again, or an account's UIN: a conflict.
    refused(await ctl('sub-users', 'create', uin, '--uin', '330000000011', '--name', 'ops', '--allow', 'mna:*'),
      'conflict', 'uin');
    refused(await ctl('sub-users', 'create', uin, '--uin', ACME.uin, '--name', 'clash', '--allow', 'mna:*'),
      'conflict', 'uin');
  });

  it('balance show, topup, adjust: journaled, never negative, bad fields refused', async () => {
    const uin = '340000000001';
    await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1340000001', '--name', 'moneyco',
      '--balance-fen', '1000');
    assert.deepEqual(await ctlJson('balance', 'show', uin), { uin, balance_fen: 1000 });
    assert.equal(ok(await ctl('balance', 'show', uin)), `uin: ${uin}\nbalance_fen: 1000\n`);

    const topped = await ctlJson('balance', 'topup', uin, '2500', '--reason', 'wire 42');
    assert.equal(topped.account.uin, uin);
    assert.equal(topped.account.balance_fen, 3500);
    assert.deepEqual({ ...topped.journal, at: undefined }, {
      at: undefined, account_uin: uin, voucher_id: null, delta_fen: 2500, balance_after_fen: 3500,
      action: 'TopUp', reason: 'admin top-up: wire 42', order_id: null,
    });
    assert.match(topped.journal.at, RFC3339_RE);
    const adjusted = fields(ok(await ctl('balance', 'adjust', uin, '-500', '--reason', 'correction')));
    assert.equal(adjusted['account.balance_fen'], '3000');
    assert.equal(adjusted['journal.delta_fen'], '-500');
    assert.equal(adjusted['journal.balance_after_fen'], '3000');
    assert.equal(adjusted['journal.reason'], 'admin adjustment: correction');
    assert.equal((await ctlJson('balance', 'adjust', uin, '700', '--reason', 'goodwill')).account.balance_fen, 3700);

    // Would go negative: refused, nothing changes.
    assert.equal(refused(await ctl('balance', 'adjust', uin, '-999999999', '--reason', 'x'),
      'negative_balance', 'delta_fen'),
    'The balance is 3700 fen; a change of -999999999 fen would leave it negative.');
    refused(await ctl('balance', 'adjust', uin, '-3701', '--reason', 'x'), 'negative_balance', 'delta_fen');
    assert.equal((await ctlJson('balance', 'show', uin)).balance_fen, 3700);
    // Bad fields.
    assert.equal(refused(await ctl('balance', 'topup', uin, '0', '--reason', 'x'), 'invalid_field', 'amount_fen'),
      'must be between 1 and 1000000000000');
    refused(await ctl('balance', 'topup', uin, '-5', '--reason', 'x'), 'invalid_field', 'amount_fen');
    refused(await ctl('balance', 'topup', uin, '1000000000001', '--reason', 'x'), 'invalid_field', 'amount_fen');
    assert.equal(refused(await ctl('balance', 'adjust', uin, '0', '--reason', 'x'), 'invalid_field', 'delta_fen'),
      'must not be 0');
    refused(await ctl('balance', 'topup', uin, '5', '--reason', ''), 'invalid_field', 'reason');
    refused(await ctl('balance', 'topup', '349999999999', '5', '--reason', 'x'), 'not_found', 'uin');
    refused(await ctl('balance', 'show', '349999999999'), 'not_found', 'uin');
    usage(await ctl('balance', 'topup', uin, '12.5', '--reason', 'x'),
      /^mnactl: amount_fen: expected an integer, got "12\.5"\n$/);
    usage(await ctl('balance', 'adjust', uin, 'minus', '--reason', 'x'),
      /^mnactl: delta_fen: expected an integer, got "minus"\n$/);
    assert.equal((await ctlJson('balance', 'show', uin)).balance_fen, 3700);

    // Down to exactly 0 is allowed.
    assert.equal((await ctlJson('balance', 'adjust', uin, '-3700', '--reason', 'close')).account.balance_fen, 0);

    // The journal has one entry per change, in order.
    const journal = (await ctlJson('journal', uin)).journal;
    assert.deepEqual(journal.map((e) => [e.delta_fen, e.balance_after_fen, e.reason]), [
      [1000, 1000, 'admin: opening balance'],
      [2500, 3500, 'admin top-up: wire 42'],
      [-500, 3000, 'admin adjustment: correction'],
      [700, 3700, 'admin adjustment: goodwill'],
      [-3700, 0, 'admin adjustment: close'],
    ]);
    for (let i = 1; i < journal.length; i++) assert.ok(journal[i].entry_id > journal[i - 1].entry_id);
  });

  it('vouchers list, issue, cancel', async () => {
    const uin = '350000000001';
    await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1350000001', '--name', 'voucherco');
    assert.equal(ok(await ctl('vouchers', 'list', uin)), '(none)\n');

    const full = (await ctlJson('vouchers', 'issue', uin, '--nominal-fen', '5000', '--balance-fen', '4000',
      '--threshold-fen', '100', '--cash', '--begin', '2025-01-01T00:00:00Z', '--end', '2099-12-31T00:00:00Z',
      '--product', 'mna', '--product', 'billing', '--voucher-id', 'v-mnactl-full')).voucher;
    assert.deepEqual({ ...full, created_at: undefined }, {
      voucher_id: 'v-mnactl-full', cash: true, nominal_fen: 5000, balance_fen: 4000, threshold_fen: 100,
      begin_time: '2025-01-01T00:00:00Z', end_time: '2099-12-31T00:00:00Z', products: ['mna', 'billing'],
      status: 'unUsed', account_uin: uin, created_at: undefined,
    });
    // Defaults: generated id, balance = face value, mna, not cash, begins now.
    const before = Math.floor(Date.now() / 1000) - 1;
    const plain = fields(ok(await ctl('vouchers', 'issue', uin, '--nominal-fen', '3000', '--end', '2099-01-01T00:00:00Z')));
    const afterIssue = Math.floor(Date.now() / 1000) + 1;
    assert.match(plain.voucher_id, /^v-[a-z0-9]{12}$/);
    assert.equal(plain.cash, 'false');
    assert.equal(plain.balance_fen, '3000');
    assert.equal(plain.threshold_fen, '0');
    assert.equal(plain.products, 'mna');
    assert.equal(plain.status, 'unUsed');
    const begin = Date.parse(plain.begin_time) / 1000;
    assert.ok(begin >= before && begin <= afterIssue, `begin_time ${plain.begin_time} is now`);

    const listed = (await ctlJson('vouchers', 'list', uin)).vouchers;
    assert.deepEqual(listed.map((v) => v.voucher_id).sort(), [plain.voucher_id, 'v-mnactl-full'].sort());
    const t = table(ok(await ctl('vouchers', 'list', uin)));
    assert.deepEqual(t.columns, ['VOUCHER_ID', 'CASH', 'NOMINAL_FEN', 'BALANCE_FEN', 'THRESHOLD_FEN',
      'BEGIN_TIME', 'END_TIME', 'STATUS']);
    assert.equal(t.rows.length, 2);
    assert.deepEqual(t.rows.find((r) => r.VOUCHER_ID === 'v-mnactl-full'), {
      VOUCHER_ID: 'v-mnactl-full', CASH: 'true', NOMINAL_FEN: '5000', BALANCE_FEN: '4000', THRESHOLD_FEN: '100',
      BEGIN_TIME: '2025-01-01T00:00:00Z', END_TIME: '2099-12-31T00:00:00Z', STATUS: 'unUsed',
    });

    // cancel.
    const cancelled = (await ctlJson('vouchers', 'cancel', uin, 'v-mnactl-full', '--reason', 'issued by mistake')).voucher;
    assert.equal(cancelled.status, 'cancel');
    assert.equal(cancelled.balance_fen, 4000);
    assert.equal((await ctlJson('vouchers', 'list', uin)).vouchers.find((v) => v.voucher_id === 'v-mnactl-full').status,
      'cancel');
    assert.equal(refused(await ctl('vouchers', 'cancel', uin, 'v-mnactl-full', '--reason', 'again'),
      'conflict', 'voucher_id'), 'The voucher is already cancelled.');
    refused(await ctl('vouchers', 'cancel', uin, 'v-none', '--reason', 'x'), 'not_found', 'voucher_id');
    refused(await ctl('vouchers', 'cancel', uin, plain.voucher_id, '--reason', ''), 'invalid_field', 'reason');
    refused(await ctl('vouchers', 'issue', uin, '--nominal-fen', '1', '--end', '2099-01-01T00:00:00Z',
      '--voucher-id', 'v-mnactl-full'), 'conflict', 'voucher_id');
    refused(await ctl('vouchers', 'issue', uin, '--nominal-fen', '100', '--balance-fen', '200',
      '--end', '2099-01-01T00:00:00Z'), 'invalid_field', 'balance_fen');
    refused(await ctl('vouchers', 'issue', uin, '--nominal-fen', '100', '--begin', '2030-01-01T00:00:00Z',
      '--end', '2029-01-01T00:00:00Z'), 'invalid_field', 'end_time');
    refused(await ctl('vouchers', 'issue', uin, '--nominal-fen', '100', '--end', 'tomorrow'), 'invalid_field', 'end_time');
    refused(await ctl('vouchers', 'issue', '359999999999', '--nominal-fen', '100', '--end', '2099-01-01T00:00:00Z'),
      'not_found', 'uin');
    refused(await ctl('vouchers', 'list', '359999999999'), 'not_found', 'uin');
    assert.equal((await ctlJson('vouchers', 'list', uin)).vouchers.length, 2);

    // The journal records issue and cancellation.
    const journal = (await ctlJson('journal', uin)).journal;
    assert.deepEqual(journal.map((e) => [e.voucher_id, e.delta_fen, e.balance_after_fen, e.reason]), [
      ['v-mnactl-full', 4000, 4000, 'admin: voucher issued'],
      [plain.voucher_id, 3000, 3000, 'admin: voucher issued'],
      ['v-mnactl-full', 0, 4000, 'admin: voucher cancelled: issued by mistake'],
    ]);
  });

  it('prices show and set (the others keep their value)', async (t) => {
    // Back to the defaults for the tests that follow, whatever happens.
    t.after(() => mnactl(adminArgs(server, ['prices', 'set', '--license-fen', '100000', '--flow-20g-fen', '3000',
      '--flow-50g-fen', '6000', '--flow-100g-fen', '10000', '--flow-500g-fen', '40000'])));
    assert.deepEqual(await ctlJson('prices', 'show'), { prices: DEFAULT_PRICES });
    assert.equal(ok(await ctl('prices', 'show')), [
      'license_fen: 100000',
      'flow_packages_fen.DEVICE_1_FLOW_20G: 3000',
      'flow_packages_fen.DEVICE_2_FLOW_50G: 6000',
      'flow_packages_fen.DEVICE_3_FLOW_100G: 10000',
      'flow_packages_fen.DEVICE_5_FLOW_500G: 40000',
      '',
    ].join('\n'));
    const changed = {
      license_fen: 120000,
      flow_packages_fen: { DEVICE_1_FLOW_20G: 3100, DEVICE_2_FLOW_50G: 6000, DEVICE_3_FLOW_100G: 10500,
        DEVICE_5_FLOW_500G: 41000 },
    };
    assert.deepEqual(await ctlJson('prices', 'set', '--license-fen', '120000', '--flow-20g-fen', '3100',
      '--flow-100g-fen', '10500', '--flow-500g-fen', '41000'), { prices: changed });
    assert.deepEqual(await ctlJson('prices', 'show'), { prices: changed });
    assert.equal(fields(ok(await ctl('prices', 'set', '--flow-50g-fen', '6500')))['flow_packages_fen.DEVICE_2_FLOW_50G'],
      '6500');
    refused(await ctl('prices', 'set', '--license-fen', '-1'), 'invalid_field', 'license_fen');
    refused(await ctl('prices', 'set', '--flow-20g-fen', '100000000001'), 'invalid_field',
      'flow_packages_fen.DEVICE_1_FLOW_20G');
    usage(await ctl('prices', 'set', '--license-fen', 'cheap'), /^mnactl: license-fen: expected an integer, got "cheap"\n$/);
    const now = (await ctlJson('prices', 'show')).prices;
    assert.equal(now.license_fen, 120000);
    assert.equal(now.flow_packages_fen.DEVICE_2_FLOW_50G, 6500);
    assert.deepEqual(await ctlJson('prices', 'set', '--license-fen', '100000', '--flow-20g-fen', '3000',
      '--flow-50g-fen', '6000', '--flow-100g-fen', '10000', '--flow-500g-fen', '40000'), { prices: DEFAULT_PRICES });
  });

  it('devices, hardware, licenses, orders, flow-packages, journal, journal-all show what the TC API did', async () => {
    const uin = '360000000001';
    const cred = { secretId: 'AKIDmnactlViewCo00000000000000000001', secretKey: 'mnactl-viewco-secret-0000000000001' };
    const dir = scratchDir('views');
    await ctlJson('accounts', 'create', '--from-file', writeJson(dir, 'viewco.json', {
      uin, app_id: 1360000001, name: 'viewco', identity_verified: true, service_authorized: true,
      vendor: { name: 'ViewCo' }, balance_fen: 500000,
      keys: [{ secret_id: cred.secretId, secret_key: cred.secretKey }],
      devices: [
        { device_id: 'mna-mnactlview1', name: 'view-1', license_pay_mode: 0, remark: 'first' },
        { device_id: 'mna-mnactlview2', name: 'view-2', license_pay_mode: 1, remark: '' },
      ],
      hardware: [
        { hardware_id: 'cpe-mnactlview1', sn: 'SN-VIEW-1', license_charging_mode: 3, description: 'permanent box' },
        { hardware_id: 'cpe-mnactlview2', sn: 'SN-VIEW-2', license_charging_mode: 1, description: '' },
      ],
    }));
    // Nothing bought yet.
    for (const cmd of ['licenses', 'orders', 'flow-packages']) {
      assert.equal(ok(await ctl(cmd, uin)), '(none)\n', cmd);
    }
    assert.deepEqual(await ctlJson('licenses', uin), { licenses: [] });
    assert.deepEqual(await ctlJson('orders', uin), { orders: [] });
    assert.deepEqual(await ctlJson('flow-packages', uin), { flow_packages: [] });

    // devices.
    const devices = (await ctlJson('devices', uin)).devices;
    assert.deepEqual(devices.map((d) => [d.device_id, d.name, d.license_pay_mode, d.remark, d.hardware_id, d.account_uin]), [
      ['mna-mnactlview1', 'view-1', 0, 'first', null, uin],
      ['mna-mnactlview2', 'view-2', 1, '', null, uin],
    ]);
    const dt = table(ok(await ctl('devices', uin)));
    assert.deepEqual(dt.columns, ['DEVICE_ID', 'NAME', 'LICENSE_PAY_MODE', 'HARDWARE_ID', 'GROUP_ID', 'REMARK']);
    assert.deepEqual(dt.rows, [
      { DEVICE_ID: 'mna-mnactlview1', NAME: 'view-1', LICENSE_PAY_MODE: '0', HARDWARE_ID: '-', GROUP_ID: '', REMARK: 'first' },
      { DEVICE_ID: 'mna-mnactlview2', NAME: 'view-2', LICENSE_PAY_MODE: '1', HARDWARE_ID: '-', GROUP_ID: '', REMARK: '' },
    ]);
    // hardware.
    const hardware = (await ctlJson('hardware', uin)).hardware;
    assert.deepEqual(hardware.map((x) => [x.hardware_id, x.sn, x.license_charging_mode, x.description,
      x.vendor_uin, x.activated_device_id]), [
      ['cpe-mnactlview1', 'SN-VIEW-1', 3, 'permanent box', uin, null],
      ['cpe-mnactlview2', 'SN-VIEW-2', 1, '', uin, null],
    ]);
    const ht = table(ok(await ctl('hardware', uin)));
    assert.deepEqual(ht.columns, ['HARDWARE_ID', 'SN', 'LICENSE_CHARGING_MODE', 'ACTIVATED_DEVICE_ID', 'DESCRIPTION']);
    assert.deepEqual(ht.rows[0], { HARDWARE_ID: 'cpe-mnactlview1', SN: 'SN-VIEW-1', LICENSE_CHARGING_MODE: '3',
      ACTIVATED_DEVICE_ID: '-', DESCRIPTION: 'permanent box' });
    assert.equal(ht.rows.length, 2);
    assert.equal(ok(await ctl('hardware', ACME.uin)), '(none)\n');

    // Buy a license for the hardware (Type 1) and one for a device (Type
    // 0), and a flow package, through `mnactl call`.
    const hwLicense = okJson(await callAs(cred, 'mna', 'OrderPerLicense', '--DeviceId', 'cpe-mnactlview1', '--Type', '1'));
    assert.match(hwLicense.ResourceId, RESOURCE_ID_RE);
    const devLicense = okJson(await callAs(cred, 'mna', 'OrderPerLicense', '--DeviceId', 'mna-mnactlview2', '--Type', '0'));
    assert.match(devLicense.ResourceId, RESOURCE_ID_RE);
    const pkg = okJson(await callAs(cred, 'mna', 'OrderFlowPackage', '--PackageType', 'DEVICE_1_FLOW_20G',
      '--DeviceList', '["mna-mnactlview1"]', '--AutoRenewFlag', 'false', '--PackageRegion', '0'));
    assert.match(pkg.ResourceId, RESOURCE_ID_RE);

    // licenses.
    const licenses = (await ctlJson('licenses', uin)).licenses;
    assert.equal(licenses.length, 2);
    const hwRow = licenses.find((l) => l.resource_id === hwLicense.ResourceId);
    const devRow = licenses.find((l) => l.resource_id === devLicense.ResourceId);
    assert.deepEqual([hwRow.hardware_id, hwRow.device_id, hwRow.account_uin], ['cpe-mnactlview1', null, uin]);
    assert.deepEqual([devRow.hardware_id, devRow.device_id, devRow.account_uin], [null, 'mna-mnactlview2', uin]);
    const lt = table(ok(await ctl('licenses', uin)));
    assert.deepEqual(lt.columns, ['RESOURCE_ID', 'DEVICE_ID', 'HARDWARE_ID', 'ORDER_ID', 'CREATED_AT']);
    assert.equal(lt.rows.length, 2);
    assert.equal(lt.rows.find((r) => r.RESOURCE_ID === hwLicense.ResourceId).DEVICE_ID, '-');
    assert.equal(lt.rows.find((r) => r.RESOURCE_ID === hwLicense.ResourceId).HARDWARE_ID, 'cpe-mnactlview1');

    // orders.
    const orders = (await ctlJson('orders', uin)).orders;
    assert.deepEqual(orders.map((o) => [o.action, o.resource_id, o.total_fen, o.voucher_id, o.voucher_fen,
      o.balance_fen, o.account_uin, o.caller_uin]).sort(), [
      ['OrderFlowPackage', pkg.ResourceId, 3000, null, 0, 3000, uin, uin],
      ['OrderPerLicense', devLicense.ResourceId, 100000, null, 0, 100000, uin, uin],
      ['OrderPerLicense', hwLicense.ResourceId, 100000, null, 0, 100000, uin, uin],
    ].sort());
    for (const o of orders) assert.match(o.order_id, ORDER_ID_RE);
    assert.equal(hwRow.order_id, orders.find((o) => o.resource_id === hwLicense.ResourceId).order_id);
    const ot = table(ok(await ctl('orders', uin)));
    assert.deepEqual(ot.columns, ['ORDER_ID', 'ACTION', 'RESOURCE_ID', 'TOTAL_FEN', 'VOUCHER_ID', 'VOUCHER_FEN',
      'BALANCE_FEN', 'CREATED_AT']);
    assert.equal(ot.rows.length, 3);
    assert.deepEqual(ot.rows.map((r) => r.ORDER_ID).sort(), orders.map((o) => o.order_id).sort());

    // flow-packages.
    const packages = (await ctlJson('flow-packages', uin)).flow_packages;
    assert.equal(packages.length, 1);
    assert.equal(packages[0].resource_id, pkg.ResourceId);
    assert.equal(packages[0].package_type, 'DEVICE_1_FLOW_20G');
    assert.equal(packages[0].auto_renew, false);
    assert.deepEqual(packages[0].device_ids, ['mna-mnactlview1']);
    assert.equal(packages[0].order_id, orders.find((o) => o.action === 'OrderFlowPackage').order_id);
    const ft = table(ok(await ctl('flow-packages', uin)));
    assert.deepEqual(ft.columns, ['RESOURCE_ID', 'PACKAGE_TYPE', 'ACTIVE_TIME', 'EXPIRE_TIME', 'AUTO_RENEW', 'DEVICE_IDS']);
    assert.deepEqual({ ...ft.rows[0], ACTIVE_TIME: undefined, EXPIRE_TIME: undefined }, {
      RESOURCE_ID: pkg.ResourceId, PACKAGE_TYPE: 'DEVICE_1_FLOW_20G', ACTIVE_TIME: undefined, EXPIRE_TIME: undefined,
      AUTO_RENEW: 'false', DEVICE_IDS: 'mna-mnactlview1',
    });

    // journal: the opening balance and the three payments.
    const journal = (await ctlJson('journal', uin)).journal;
    assert.equal(journal.length, 4);
    assert.deepEqual([journal[0].delta_fen, journal[0].balance_after_fen], [500000, 500000]);
    assert.deepEqual(journal.slice(1).map((e) => e.delta_fen).sort(), [-100000, -100000, -3000].sort());
    assert.equal(journal[3].balance_after_fen, 500000 - 203000);
    for (const e of journal.slice(1)) {
      assert.ok(orders.some((o) => o.order_id === e.order_id), `journal entry ${e.entry_id} names its order`);
    }
    const jt = table(ok(await ctl('journal', uin)));
    assert.deepEqual(jt.columns, ['ENTRY_ID', 'AT', 'VOUCHER_ID', 'DELTA_FEN', 'BALANCE_AFTER_FEN', 'REASON', 'ORDER_ID']);
    assert.equal(jt.rows.length, 4);
    assert.deepEqual(jt.rows.map((r) => r.ENTRY_ID), journal.map((e) => String(e.entry_id)));
    assert.equal(jt.rows[0].ORDER_ID, '-');
    assert.equal((await ctlJson('balance', 'show', uin)).balance_fen, 297000);

    // journal-all: every account's entries, with the account.
    const all = (await ctlJson('journal-all')).journal;
    assert.deepEqual(all.filter((e) => e.account_uin === uin), journal);
    assert.ok(all.some((e) => e.account_uin === ACME.uin && e.delta_fen === ACME.balance_fen));
    for (let i = 1; i < all.length; i++) assert.ok(all[i].entry_id > all[i - 1].entry_id, 'in entry order');
    const at = table(ok(await ctl('journal-all')));
    assert.deepEqual(at.columns, ['ENTRY_ID', 'AT', 'ACCOUNT_UIN', 'VOUCHER_ID', 'DELTA_FEN', 'BALANCE_AFTER_FEN', 'REASON']);
    assert.equal(at.rows.length, all.length);
    assert.deepEqual(at.rows.filter((r) => r.ACCOUNT_UIN === uin).map((r) => r.DELTA_FEN),
      journal.map((e) => String(e.delta_fen)));

    // Unknown accounts.
    for (const cmd of ['devices', 'hardware', 'licenses', 'orders', 'flow-packages', 'journal']) {
      assert.equal(refused(await ctl(cmd, '369999999999'), 'not_found', 'uin'), 'No account 369999999999.', cmd);
    }
  });

  it('export (stdout and FILE) and import; an invalid seed changes nothing', async () => {
    const dir = scratchDir('export');
    const exported = ok(await ctl('export'));
    const seed = JSON.parse(exported);
    assert.equal(seed.version, 1);
    assert.deepEqual(seed.regions, h.SEED.regions);
    assert.deepEqual(seed.prices, DEFAULT_PRICES);
    const acme = seed.accounts.find((a) => a.uin === ACME.uin);
    assert.equal(acme.name, 'acme');
    assert.deepEqual(acme.keys, ACME.keys, 'export carries the secrets, as a seed does');
    assert.deepEqual(acme.devices.map((d) => d.device_id), ACME.devices.map((d) => d.device_id));
    assert.ok(!('created_at' in acme));
    // --json prints the same document.
    assert.equal(ok(await ctl('--json', 'export')), exported);
    // To a file: nothing on stdout, a note on stderr.
    const file = path.join(dir, 'state.json');
    const toFile = await ctl('export', file);
    assert.equal(toFile.code, 0, describeRun(toFile));
    assert.equal(toFile.stdout, '');
    assert.equal(toFile.stderr, `exported to ${file}\n`);
    assert.equal(fs.readFileSync(file, 'utf8'), exported);
    usage(await ctl('export', path.join(dir, 'no-such-dir', 'state.json')), /^mnactl: cannot write .*state\.json\n$/);

    // import: creates what is new, skips what exists.
    const newSeed = writeJson(dir, 'new.json', {
      version: 1,
      accounts: [{ uin: '370000000001', app_id: 1370000001, name: 'imported', balance_fen: 250,
        keys: [{ secret_id: 'AKIDmnactlImported0000000000000000001', secret_key: 'mnactl-imported-secret-0000000001' }] }],
    });
    const imported = fields(ok(await ctl('import', newSeed)));
    assert.equal(imported.reset, 'false');
    assert.equal(imported['applied.accounts.created'], '1');
    assert.equal(imported['applied.keys.created'], '1');
    assert.equal(imported.regions, 'ap-guangzhou,ap-shanghai');
    const again = await ctlJson('import', newSeed);
    assert.equal(again.reset, false);
    assert.deepEqual(again.applied.accounts, { created: 0, skipped: 1 });
    assert.deepEqual(again.applied.keys, { created: 0, skipped: 1 });
    assert.equal((await ctlJson('balance', 'show', '370000000001')).balance_fen, 250);
    // Importing the export back skips everything.
    const back = await ctlJson('import', file);
    assert.equal(back.applied.accounts.created, 0);
    assert.equal(back.applied.accounts.skipped, seed.accounts.length);

    // An invalid seed (its second account is bad): refused as a whole.
    const before = ok(await ctl('export'));
    const invalid = writeJson(dir, 'invalid.json', {
      version: 1,
      accounts: [
        { uin: '370000000002', app_id: 1370000002, name: 'would-be' },
        { uin: 'not-digits', app_id: 1370000003, name: 'bad' },
      ],
    });
    assert.equal(refused(await ctl('import', invalid), 'invalid_field', 'accounts[1].uin'), 'must be a string of digits');
    refused(await ctl('import', writeJson(dir, 'v2.json', { version: 2, accounts: [] })), 'invalid_field', 'version');
    refused(await ctl('import', writeJson(dir, 'extra.json', { version: 1, accounts: [], surprise: true })),
      'invalid_field', 'surprise');
    usage(await ctl('import', writeJson(dir, 'garbage.json', 'not json')), /^mnactl: .*garbage\.json: not valid JSON: /);
    usage(await ctl('import', path.join(dir, 'absent.json')), /^mnactl: cannot read .*absent\.json\n$/);
    assert.equal(ok(await ctl('export')), before, 'a refused import leaves the store as it was');
    refused(await ctl('accounts', 'show', '370000000002'), 'not_found', 'uin');
  });

  it('call: TC3-signed TC API calls with credentials from the environment or a tccli profile', async () => {
    const endpoint = `http://${server.endpoint}`;
    const acmeEnv = { TENCENTCLOUD_SECRET_ID: h.KEYS.acmeRoot.secretId, TENCENTCLOUD_SECRET_KEY: h.KEYS.acmeRoot.secretKey };
    const acmeBalance = (await ctlJson('balance', 'show', ACME.uin)).balance_fen;

    // Credentials from the environment, endpoint from --endpoint.
    const balance = okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint], { env: acmeEnv }));
    assert.equal(balance.Uin, Number(ACME.uin));
    assert.equal(balance.Balance, acmeBalance);
    assert.match(balance.RequestId, h.UUID_RE);
    assert.ok(!('Response' in balance), 'call prints the Response object itself');
    // Endpoint from MNAD_ENDPOINT; --endpoint wins over it.
    const dead = `http://127.0.0.1:${await deadPort()}`;
    assert.equal(okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance'],
      { env: { ...acmeEnv, MNAD_ENDPOINT: endpoint } })).Uin, Number(ACME.uin));
    assert.equal(okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint],
      { env: { ...acmeEnv, MNAD_ENDPOINT: dead } })).Uin, Number(ACME.uin));
    usage(await mnactl(['call', 'billing', 'DescribeAccountBalance'], { env: { ...acmeEnv, MNAD_ENDPOINT: dead } }),
      new RegExp(`^mnactl: cannot reach ${dead}: `));

    // Parameter values parse as JSON when they can; --Name=value works too.
    const payModes = okJson(await mnactl(['call', 'mna', 'GetDevicePayMode', '--endpoint', endpoint,
      '--DeviceIdList', '["mna-acme0001","mna-acme0002"]'], { env: acmeEnv }));
    assert.deepEqual(payModes.Result.map((x) => [x.DeviceId, x.PayMode]), [['mna-acme0001', 0], ['mna-acme0002', 0]]);
    const page = okJson(await mnactl(['call', 'mna', 'GetDevices', '--endpoint', endpoint, '--PageSize=2',
      '--PageNumber=1'], { env: acmeEnv }));
    assert.equal(page.Length, 3);
    assert.equal(page.DeviceInfos.length, 2);

    // A Response.Error: printed on stdout, exit 1.
    const denied = await mnactl(['call', 'mna', 'GetDevicePayMode', '--endpoint', endpoint,
      '--DeviceIdList', '["mna-globex0001"]'], { env: acmeEnv });
    assert.equal(denied.code, 1, describeRun(denied));
    assert.equal(denied.stderr, '');
    const error = JSON.parse(denied.stdout);
    assert.equal(error.Error.Code, 'OperationDenied.DeviceNotFound');
    assert.equal(typeof error.Error.Message, 'string');
    assert.match(error.RequestId, h.UUID_RE);
    const missing = await mnactl(['call', 'mna', 'OrderPerLicense', '--endpoint', endpoint, '--Type', '0'], { env: acmeEnv });
    assert.equal(missing.code, 1, describeRun(missing));
    assert.equal(JSON.parse(missing.stdout).Error.Code, 'MissingParameter');

    // A tccli profile file under $HOME: "default", or --profile NAME.
    const home = scratchDir('home');
    fs.mkdirSync(path.join(home, '.tccli'));
    writeJson(path.join(home, '.tccli'), 'default.credential',
      { secretId: h.KEYS.globexRoot.secretId, secretKey: h.KEYS.globexRoot.secretKey });
    writeJson(path.join(home, '.tccli'), 'acme.credential',
      { secretId: h.KEYS.acmeRoot.secretId, secretKey: h.KEYS.acmeRoot.secretKey });
    writeJson(path.join(home, '.tccli'), 'broken.credential', { secretId: 'AKIDx' });
    const fromFile = okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint],
      { env: { HOME: home } }));
    assert.equal(fromFile.Uin, Number(GLOBEX.uin));
    assert.equal(okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint,
      '--profile', 'acme'], { env: { HOME: home } })).Uin, Number(ACME.uin));
    // The environment wins over the file.
    assert.equal(okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint],
      { env: { HOME: home, ...acmeEnv } })).Uin, Number(ACME.uin));
    // ... but only when both variables are set.
    assert.equal(okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint],
      { env: { HOME: home, TENCENTCLOUD_SECRET_ID: h.KEYS.acmeRoot.secretId } })).Uin, Number(GLOBEX.uin));
    // Wrong credentials: the server's AuthFailure, exit 1.
    const badSecret = await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint],
      { env: { TENCENTCLOUD_SECRET_ID: h.KEYS.acmeRoot.secretId, TENCENTCLOUD_SECRET_KEY: 'wrong-secret-0000000000000000000' } });
    assert.equal(badSecret.code, 1, describeRun(badSecret));
    assert.equal(JSON.parse(badSecret.stdout).Error.Code, 'AuthFailure.SignatureFailure');

    // No credentials, a broken profile, bad usage: exit 2.
    usage(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint]),
      new RegExp(`^mnactl: no credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or write ${EMPTY_HOME}/\\.tccli/default\\.credential `));
    usage(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint, '--profile', 'nope'],
      { env: { HOME: home } }), /^mnactl: no credentials: .*\.tccli\/nope\.credential /);
    usage(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', endpoint, '--profile', 'broken'],
      { env: { HOME: home } }), /broken\.credential: needs string fields secretId and secretKey\n$/);
    usage(await mnactl(['call', 'cvm', 'DescribeInstances', '--endpoint', endpoint], { env: acmeEnv }),
      /^mnactl: unknown service cvm; pass --version\n$/);
    usage(await mnactl(['call', 'mna', 'GetDevices', '--endpoint', endpoint, '--PageSize'], { env: acmeEnv }),
      /^mnactl: --PageSize needs a value\n$/);
    usage(await mnactl(['call', 'mna', 'GetDevices', '--endpoint', endpoint, 'PageSize', '1'], { env: acmeEnv }),
      /^mnactl: expected --ParameterName value, got PageSize\n$/);
    usage(await mnactl(['call', 'mna', 'GetDevices', '--endpoint', 'https://127.0.0.1:1'], { env: acmeEnv }),
      /only http:\/\/ URLs are supported/);
  });

  it('mnactl\'s own usage checks exit 2 without calling the server', async () => {
    const uin = '380000000001';
    await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1380000001', '--name', 'usageco', '--balance-fen', '10');
    usage(await ctl('balance', 'topup', uin, 'ten', '--reason', 'x'), /^mnactl: amount_fen: expected an integer, got "ten"\n$/);
    usage(await ctl('clock', 'advance', '1h'), /^mnactl: seconds: expected an integer, got "1h"\n$/);
    usage(await ctl('accounts', 'set', uin, '--suspended', 'yes'), /^mnactl: suspended: expected true or false, got "yes"\n$/);
    usage(await ctl('sub-users', 'set', uin, '1', '--payment-allowed', '1'),
      /^mnactl: payment-allowed: expected true or false, got "1"\n$/);
    assert.deepEqual(await ctlJson('balance', 'show', uin), { uin, balance_fen: 10 });
    assert.equal((await ctlJson('accounts', 'show', uin)).account.suspended, false);
    // --help is not an error.
    const help = await mnactl(['--help']);
    assert.equal(help.code, 0);
    for (const word of ['accounts', 'keys', 'sub-users', 'balance', 'vouchers', 'prices', 'devices', 'hardware',
      'licenses', 'orders', 'flow-packages', 'journal', 'clock', 'health', 'info', 'metrics', 'export', 'import',
      'reset', 'journal-all', 'call']) {
      assert.match(help.stdout, new RegExp(`^  ${word} `, 'm'), `--help lists ${word}`);
    }
    const groupHelp = await mnactl(['balance', '--help']);
    assert.equal(groupHelp.code, 0);
    assert.match(groupHelp.stdout, /^  topup /m);
  });

  it('command-line errors (missing or unknown arguments, no subcommand) exit 2 as documented', async () => {
    const uin = '380000000001';
    const wrong = [];
    for (const args of [
      [],
      ['frobnicate'],
      ['balance'],
      ['balance', 'topup', uin],
      ['balance', 'topup', uin, '100'],
      ['vouchers', 'issue', uin, '--nominal-fen', '100'],
      ['keys', 'delete'],
      ['accounts', 'list', '--no-such-flag'],
      ['import'],
    ]) {
      const r = await ctl(...args);
      assert.equal(r.stdout, '', describeRun(r));
      assert.notEqual(r.stderr, '', describeRun(r));
      if (r.code !== 2) wrong.push(`mnactl ${args.join(' ')} -> exit ${r.code}: ${r.stderr.split('\n')[0]}`);
    }
    assert.deepEqual(wrong, [], 'bad usage must exit 2 (mnactl.cc: "2 on bad usage"; README: "2 bad usage")');
    assert.deepEqual(await ctlJson('balance', 'show', uin), { uin, balance_fen: 10 });
  });

  it('global flags such as --json are accepted after the subcommand (mnactl orders UIN --json)', async () => {
    const listed = okJson(await ctl('orders', ACME.uin, '--json'));
    assert.deepEqual(listed, { orders: [] });
    const shown = okJson(await mnactl(['balance', 'show', GLOBEX.uin, '--json', '--admin-url', server.adminUrl,
      '--admin-token', TOKEN]));
    assert.equal(shown.uin, GLOBEX.uin);
  });

  it('clock show, freeze, advance, resume', async () => {
    const shown = (await ctlJson('clock', 'show')).clock;
    assert.deepEqual(Object.keys(shown), ['enabled', 'now', 'now_unix_ms', 'frozen', 'offset_ms']);
    assert.equal(shown.enabled, true);
    assert.equal(shown.frozen, false);
    assert.ok(Math.abs(shown.now_unix_ms - Date.now()) < 5000, 'the clock starts at the real time');
    const plain = fields(ok(await ctl('clock', 'show')));
    assert.equal(plain.enabled, 'true');
    assert.equal(plain.frozen, 'false');
    assert.match(plain.now, RFC3339_RE);

    const frozen = (await ctlJson('clock', 'freeze', '--at', '2030-01-01T00:00:00Z')).clock;
    assert.deepEqual({ ...frozen, offset_ms: undefined }, {
      enabled: true, now: '2030-01-01T00:00:00Z', now_unix_ms: Date.parse('2030-01-01T00:00:00Z'), frozen: true,
      offset_ms: undefined,
    });
    // Frozen: it does not move.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await ctlJson('clock', 'show')).clock.now_unix_ms, Date.parse('2030-01-01T00:00:00Z'));
    const advanced = (await ctlJson('clock', 'advance', '3600')).clock;
    assert.equal(advanced.now, '2030-01-01T01:00:00Z');
    assert.equal(advanced.frozen, true);
    assert.equal(fields(ok(await ctl('clock', 'advance', '86400'))).now, '2030-01-02T01:00:00Z');
    // Business time is what the admin API stamps.
    const uin = '390000000001';
    const created = (await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1390000001', '--name', 'clockco')).account;
    assert.equal(created.created_at, '2030-01-02T01:00:00Z');
    assert.equal((await ctlJson('balance', 'topup', uin, '1', '--reason', 'x')).journal.at, '2030-01-02T01:00:00Z');

    // Refusals.
    refused(await ctl('clock', 'advance', '0'), 'invalid_field', 'seconds');
    refused(await ctl('clock', 'advance', '-5'), 'invalid_field', 'seconds');
    assert.equal(refused(await ctl('clock', 'freeze', '--at', 'noon'), 'invalid_field', 'at'), 'not an RFC 3339 time');
    assert.equal((await ctlJson('clock', 'show')).clock.now, '2030-01-02T01:00:00Z');

    // resume: runs again from where it stood.
    const resumed = (await ctlJson('clock', 'resume')).clock;
    assert.equal(resumed.frozen, false);
    assert.ok(resumed.now_unix_ms >= Date.parse('2030-01-02T01:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const running = (await ctlJson('clock', 'show')).clock;
    assert.ok(running.now_unix_ms > resumed.now_unix_ms, 'a resumed clock runs');
    assert.ok(running.now_unix_ms < Date.parse('2030-01-02T01:01:00Z'));
    // freeze without --at: now.
    const frozenNow = (await ctlJson('clock', 'freeze')).clock;
    assert.equal(frozenNow.frozen, true);
    assert.ok(frozenNow.now_unix_ms >= running.now_unix_ms && frozenNow.now_unix_ms < Date.parse('2030-01-02T01:01:00Z'));
    assert.equal(fields(ok(await ctl('clock', 'resume'))).frozen, 'false');
  });

  it('vouchers issue without --begin starts the voucher at the server\'s (test) clock', async () => {
    const uin = '390000000002';
    await ctlJson('accounts', 'create', '--uin', uin, '--app-id', '1390000002', '--name', 'clockvoucherco');
    await ctlJson('clock', 'freeze', '--at', '2025-06-01T00:00:00Z');
    try {
      const voucher = (await ctlJson('vouchers', 'issue', uin, '--nominal-fen', '100',
        '--end', '2099-01-01T00:00:00Z')).voucher;
      assert.equal(voucher.created_at, '2025-06-01T00:00:00Z');
      assert.equal(voucher.begin_time, '2025-06-01T00:00:00Z',
        '"--begin: default now" must be the business clock\'s now, like created_at, or the voucher is not yet valid');
    } finally {
      await ctlJson('clock', 'resume');
    }
  });
});

// ================================================================ no --test-clock

describe('mnactl clock without --test-clock', () => {
  let server;
  before(async () => {
    server = await h.startServer({ extraArgs: [...h.CONFORMANCE_ARGS, '--admin-token', TOKEN] });
  });
  after(async () => {
    await h.stopAndAssertClean(server);
  });

  it('shows the clock but refuses to change it: test_clock_disabled', async () => {
    const clock = okJson(await mnactl(adminArgs(server, ['--json', 'clock', 'show']))).clock;
    assert.equal(clock.enabled, false);
    assert.equal(clock.frozen, false);
    assert.equal(clock.offset_ms, 0);
    const message = 'The test clock is off; start mnad with --test-clock.';
    assert.equal(refused(await mnactl(adminArgs(server, ['clock', 'freeze'])), 'test_clock_disabled'), message);
    assert.equal(refused(await mnactl(adminArgs(server, ['clock', 'advance', '60'])), 'test_clock_disabled'), message);
    assert.equal(refused(await mnactl(adminArgs(server, ['clock', 'resume'])), 'test_clock_disabled'), message);
    assert.equal(fields(ok(await mnactl(adminArgs(server, ['info'])))).test_clock, 'false');
  });
});

// ================================================================ reset

describe('mnactl reset', () => {
  let server;
  const ctl = (...args) => mnactl(adminArgs(server, args));
  before(async () => {
    server = await h.startServer({ extraArgs: TEST_ARGS });
  });
  after(async () => {
    await h.stopAndAssertClean(server);
  });

  it('needs --yes; --seed starts again from a seed; an invalid seed changes nothing; plain reset empties', async () => {
    const dir = scratchDir('reset');
    const original = ok(await ctl('export'));
    // Without --yes: exit 2, nothing deleted.
    usage(await ctl('reset'), /^mnactl: reset deletes everything; pass --yes to confirm\n$/);
    usage(await ctl('reset', '--seed', h.SEED_PATH), /pass --yes to confirm/);
    assert.equal(ok(await ctl('export')), original);
    assert.equal(JSON.parse(ok(await ctl('--json', 'accounts', 'list'))).accounts.length, h.SEED.accounts.length);

    // An invalid seed: refused, nothing deleted.
    const invalid = writeJson(dir, 'invalid.json', { version: 1, accounts: [{ uin: '1', app_id: 0, name: 'x' }] });
    assert.equal(refused(await ctl('reset', '--yes', '--seed', invalid), 'invalid_field', 'seed.accounts[0].app_id'),
      'must be between 1 and 9223372036854775807');
    usage(await ctl('reset', '--yes', '--seed', writeJson(dir, 'garbage.json', '{')), /garbage\.json: not valid JSON/);
    usage(await ctl('reset', '--yes', '--seed', path.join(dir, 'absent.json')), /^mnactl: cannot read .*absent\.json\n$/);
    assert.equal(ok(await ctl('export')), original);

    // --seed: exactly that seed afterwards.
    const small = {
      version: 1,
      regions: ['ap-beijing'],
      prices: { license_fen: 5000 },
      accounts: [{ uin: '410000000001', app_id: 1410000001, name: 'fresh', balance_fen: 99,
        keys: [{ secret_id: 'AKIDmnactlFresh000000000000000000001', secret_key: 'mnactl-fresh-secret-0000000000001' }] }],
    };
    const reset = okJson(await ctl('--json', 'reset', '--yes', '--seed', writeJson(dir, 'small.json', small)));
    assert.equal(reset.reset, true);
    assert.deepEqual(reset.applied.accounts, { created: 1, skipped: 0 });
    assert.deepEqual(reset.applied.keys, { created: 1, skipped: 0 });
    assert.deepEqual(reset.regions, ['ap-beijing']);
    const listed = JSON.parse(ok(await ctl('--json', 'accounts', 'list'))).accounts;
    assert.deepEqual(listed.map((a) => [a.uin, a.name, a.balance_fen]), [['410000000001', 'fresh', 99]]);
    const t = table(ok(await ctl('accounts', 'list')));
    assert.equal(t.rows.length, 1);
    assert.equal(t.rows[0].UIN, '410000000001');
    const state = JSON.parse(ok(await ctl('export')));
    assert.deepEqual(state.regions, ['ap-beijing']);
    assert.equal(state.prices.license_fen, 5000);
    refused(await ctl('accounts', 'show', ACME.uin), 'not_found', 'uin');
    // The old keys are gone, the new one works.
    const oldKey = await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint', `http://${server.endpoint}`,
      '--region', 'ap-beijing'],
    { env: { TENCENTCLOUD_SECRET_ID: h.KEYS.acmeRoot.secretId, TENCENTCLOUD_SECRET_KEY: h.KEYS.acmeRoot.secretKey } });
    assert.equal(oldKey.code, 1, describeRun(oldKey));
    assert.equal(JSON.parse(oldKey.stdout).Error.Code, 'AuthFailure.SecretIdNotFound');
    const newKey = okJson(await mnactl(['call', 'billing', 'DescribeAccountBalance', '--endpoint',
      `http://${server.endpoint}`, '--region', 'ap-beijing'],
    { env: { TENCENTCLOUD_SECRET_ID: small.accounts[0].keys[0].secret_id,
      TENCENTCLOUD_SECRET_KEY: small.accounts[0].keys[0].secret_key } }));
    assert.equal(newKey.Balance, 99);

    // Plain reset: empty.
    const emptied = fields(ok(await ctl('reset', '--yes')));
    assert.equal(emptied.reset, 'true');
    assert.equal(ok(await ctl('accounts', 'list')), '(none)\n');
    assert.deepEqual(JSON.parse(ok(await ctl('--json', 'accounts', 'list'))), { accounts: [] });
    assert.deepEqual(JSON.parse(ok(await ctl('export'))).accounts, []);
    assert.equal(JSON.parse(ok(await ctl('--json', 'info'))).counts.accounts, 0);
  });
});

// ================================================================ the operator guide

describe('mnactl operator guide', () => {
  let server;
  before(async () => {
    server = await h.startServer({ seed: null, extraArgs: TEST_ARGS });
  });
  after(async () => {
    await h.stopAndAssertClean(server);
  });

  it('account, key, top-up, voucher; AddDevice and OrderPerLicense with mnactl call; orders, licenses, journal, metrics show it', async () => {
    const env = { MNAD_ADMIN_URL: server.adminUrl, MNAD_ADMIN_TOKEN: TOKEN, MNAD_ENDPOINT: `http://${server.endpoint}` };
    const run = (...args) => mnactl(args, { env });
    const runJson = async (...args) => okJson(await run('--json', ...args));
    const metrics = async () => ok(await run('metrics'));
    const UIN = '500000000001';

    assert.equal(ok(await run('accounts', 'list')), '(none)\n');
    // 1. The account.
    const account = (await runJson('accounts', 'create', '--uin', UIN, '--app-id', '1500000001', '--name', 'guideco',
      '--identity-verified', 'true', '--service-authorized', 'true')).account;
    assert.equal(account.balance_fen, 0);
    // 2. Its key.
    const key = (await runJson('keys', 'create', UIN)).key;
    assert.equal(key.account_uin, UIN);
    const keyEnv = { ...env, TENCENTCLOUD_SECRET_ID: key.secret_id, TENCENTCLOUD_SECRET_KEY: key.secret_key };
    const call = (...args) => mnactl(['call', ...args], { env: keyEnv });
    // 3. Money.
    assert.equal((await runJson('balance', 'topup', UIN, '150000', '--reason', 'opening deposit')).account.balance_fen,
      150000);
    // 4. A voucher.
    const voucher = (await runJson('vouchers', 'issue', UIN, '--nominal-fen', '30000', '--end', '2099-01-01T00:00:00Z',
      '--voucher-id', 'v-guide-1')).voucher;
    assert.equal(voucher.status, 'unUsed');

    const before = await metrics();
    const orderSuccess = 'service="mna",action="OrderPerLicense",code="Success"';
    const addSuccess = 'service="mna",action="AddDevice",code="Success"';

    // 5. A device, through the TC API.
    const added = okJson(await call('mna', 'AddDevice', '--DeviceName', 'guide-car-1', '--Remark', 'from the operator guide',
      '--DataKey', 'Z3VpZGUtZGF0YS1rZXktMDE=', '--LicensePayMode', '1'));
    assert.match(added.DeviceId, /^mna-[a-z0-9]{10}$/);
    assert.equal(added.DataKey, 'Z3VpZGUtZGF0YS1rZXktMDE=');
    assert.match(added.RequestId, h.UUID_RE);
    const devices = (await runJson('devices', UIN)).devices;
    assert.deepEqual(devices.map((d) => [d.device_id, d.name, d.remark, d.license_pay_mode]),
      [[added.DeviceId, 'guide-car-1', 'from the operator guide', 1]]);

    // 6. Its permanent license, paid with the voucher first.
    const ordered = okJson(await call('mna', 'OrderPerLicense', '--DeviceId', added.DeviceId, '--Type', '0',
      '--AutoVoucher', 'true'));
    assert.deepEqual(Object.keys(ordered).sort(), ['RequestId', 'ResourceId']);
    assert.match(ordered.ResourceId, RESOURCE_ID_RE);
    assert.match(ordered.RequestId, h.UUID_RE);
    // Buying it again is refused: exit 1, the Error printed.
    const repeat = await call('mna', 'OrderPerLicense', '--DeviceId', added.DeviceId, '--Type', '0');
    assert.equal(repeat.code, 1, describeRun(repeat));
    assert.equal(JSON.parse(repeat.stdout).Error.Code, 'OperationDenied.RepeatPurchase');

    // 7. What the operator sees.
    const orders = (await runJson('orders', UIN)).orders;
    assert.equal(orders.length, 1);
    assert.deepEqual({ ...orders[0], order_id: undefined, created_at: undefined }, {
      order_id: undefined, account_uin: UIN, caller_uin: UIN, action: 'OrderPerLicense',
      resource_id: ordered.ResourceId, total_fen: 100000, voucher_id: 'v-guide-1', voucher_fen: 30000,
      balance_fen: 70000, created_at: undefined,
    });
    assert.match(orders[0].order_id, ORDER_ID_RE);
    const orderTable = table(ok(await run('orders', UIN)));
    assert.deepEqual(orderTable.columns, ['ORDER_ID', 'ACTION', 'RESOURCE_ID', 'TOTAL_FEN', 'VOUCHER_ID', 'VOUCHER_FEN',
      'BALANCE_FEN', 'CREATED_AT']);
    assert.deepEqual({ ...orderTable.rows[0], CREATED_AT: undefined }, {
      ORDER_ID: orders[0].order_id, ACTION: 'OrderPerLicense', RESOURCE_ID: ordered.ResourceId, TOTAL_FEN: '100000',
      VOUCHER_ID: 'v-guide-1', VOUCHER_FEN: '30000', BALANCE_FEN: '70000', CREATED_AT: undefined,
    });
    assert.equal(orderTable.rows.length, 1);

    const licenses = (await runJson('licenses', UIN)).licenses;
    assert.deepEqual(licenses.map((l) => [l.resource_id, l.device_id, l.hardware_id, l.order_id, l.account_uin]),
      [[ordered.ResourceId, added.DeviceId, null, orders[0].order_id, UIN]]);
    const licenseTable = table(ok(await run('licenses', UIN)));
    assert.equal(licenseTable.rows.length, 1);
    assert.equal(licenseTable.rows[0].DEVICE_ID, added.DeviceId);

    const journal = (await runJson('journal', UIN)).journal;
    assert.deepEqual(journal.map((e) => [e.voucher_id, e.delta_fen, e.balance_after_fen, e.order_id]), [
      [null, 150000, 150000, null],
      ['v-guide-1', 30000, 30000, null],
      [null, -70000, 80000, orders[0].order_id],
      ['v-guide-1', -30000, 0, orders[0].order_id],
    ]);
    assert.equal(journal[0].reason, 'admin top-up: opening deposit');
    assert.equal(journal[1].reason, 'admin: voucher issued');
    const journalTable = table(ok(await run('journal', UIN)));
    assert.equal(journalTable.rows.length, 4);
    assert.deepEqual(journalTable.rows.map((r) => r.DELTA_FEN), ['150000', '30000', '-70000', '-30000']);
    assert.deepEqual(journalTable.rows.map((r) => r.ORDER_ID), ['-', '-', orders[0].order_id, orders[0].order_id]);

    assert.deepEqual(await runJson('balance', 'show', UIN), { uin: UIN, balance_fen: 80000 });
    const vouchers = (await runJson('vouchers', 'list', UIN)).vouchers;
    assert.deepEqual(vouchers.map((v) => [v.voucher_id, v.balance_fen]), [['v-guide-1', 0]]);
    const balance = okJson(await call('billing', 'DescribeAccountBalance'));
    assert.equal(balance.Balance, 80000);

    const after = await metrics();
    assert.equal(counter(after, orderSuccess) - counter(before, orderSuccess), 1);
    assert.equal(counter(after, addSuccess) - counter(before, addSuccess), 1);
    const repeatCode = 'service="mna",action="OrderPerLicense",code="OperationDenied.RepeatPurchase"';
    assert.equal(counter(after, repeatCode) - counter(before, repeatCode), 1);

    const info = await runJson('info');
    assert.deepEqual([info.counts.accounts, info.counts.devices, info.counts.licenses, info.counts.orders],
      [1, 1, 1, 1]);
  });
});
