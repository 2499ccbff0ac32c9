'use strict';
// The operator plane that exists so far: the admin listener's /healthz,
// /info and /metrics, its token, and the JSON request log.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  MNAD_BIN, SEED_PATH, KEYS, mnaClient, billingClient, expectCode, storeArgs, PG_URL,
} = require('./harness');

function start(dataDir, extra = []) {
  const proc = spawn(MNAD_BIN, ['--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--seed', SEED_PATH, '--rate-limit-per-second', '3', ...storeArgs(dataDir), ...extra],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mnad did not start\n${stderr}`)), 10000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const api = /mnad listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      const admin = /mnad admin API on http:\/\/(127\.0\.0\.1:\d+)/.exec(stdout);
      if (api && admin) {
        clearTimeout(timer);
        const token = /mnad admin token \(saved to .*\): ([0-9a-f]{64})/.exec(stdout);
        resolve({ port: Number(api[1]), admin: `http://${admin[1]}`, printedToken: token ? token[1] : null });
      }
    });
    exited.then(() => { clearTimeout(timer); reject(new Error(`mnad exited\n${stderr}`)); });
  });
  return { proc, exited, ready, stderr: () => stderr };
}

async function stop(server) {
  server.proc.kill('SIGTERM');
  assert.deepEqual(await server.exited, { code: 0, signal: null });
}

function counter(metrics, labels) {
  const line = metrics.split('\n').find((l) => l.startsWith(`mnad_requests_total{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('admin API: health, token, info, metrics that move with traffic, request log', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-admin-'));
  let server;
  try {
    server = start(dataDir);
    const first = await server.ready;
    const tokenFile = path.join(dataDir, 'admin-token');
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600, 'the token file is private');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    assert.equal(first.printedToken, token, 'the generated token is printed once');
    const auth = { headers: { Authorization: `Bearer ${token}` } };

    // Health needs no token (for probes); everything else does.
    const health = await fetch(`${first.admin}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ready' });
    for (const bad of [{}, { headers: { Authorization: 'Bearer wrong' } }, { headers: { Authorization: token } }]) {
      const refused = await fetch(`${first.admin}/info`, bad);
      assert.equal(refused.status, 401);
      assert.equal((await refused.json()).error.code, 'unauthorized');
    }
    assert.equal((await fetch(`${first.admin}/nothing`, auth)).status, 404);
    assert.equal((await fetch(`${first.admin}/metrics`, { ...auth, method: 'POST' })).status, 405);

    const info = await (await fetch(`${first.admin}/info`, auth)).json();
    assert.equal(info.store.backend, PG_URL ? 'postgresql' : 'sqlite');
    assert.equal(typeof info.version, 'string');
    assert.ok(info.uptime_seconds >= 0);

    // The TC API port does not serve the admin API.
    const apiSide = await fetch(`http://127.0.0.1:${first.port}/metrics`, auth);
    assert.equal((await apiSide.json()).Response.Error.Code, 'AuthFailure.InvalidAuthorization');

    // Traffic moves the counters by exactly what was sent.
    const before = await (await fetch(`${first.admin}/metrics`, auth)).text();
    const billing = billingClient(first.port, KEYS.acmeRoot);
    await billing.DescribeAccountBalance({});
    await billing.DescribeAccountBalance({});
    const mna = mnaClient(first.port, KEYS.globexRoot);
    await expectCode(mna.GetDevicePayMode({ DeviceIdList: ['mna-not-mine'] }), 'OperationDenied.DeviceNotFound');
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => billing.DescribeAccountBalance({})));
    const limited = burst.filter((r) => r.status === 'rejected' && r.reason.code === 'RequestLimitExceeded').length;
    assert.ok(limited >= 1, 'the burst hit the 3/s limit');
    const after = await (await fetch(`${first.admin}/metrics`, auth));
    assert.equal(after.headers.get('content-type'), 'text/plain; version=0.0.4');
    const text = await after.text();
    const ok = 'service="billing",action="DescribeAccountBalance",code="Success"';
    assert.equal(counter(text, ok) - counter(before, ok), 2 + (8 - limited));
    const denied = 'service="mna",action="GetDevicePayMode",code="OperationDenied.DeviceNotFound"';
    assert.equal(counter(text, denied) - counter(before, denied), 1);
    const refusals = /mnad_rate_limit_refusals_total (\d+)/.exec(text);
    assert.equal(Number(refusals[1]), limited);
    assert.match(text, /mnad_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
    assert.match(text, /# TYPE mnad_group_commit_batch_size histogram/);
    assert.match(text, /# TYPE mnad_group_commit_duration_seconds histogram/);
    // The WAL's fsync is SQLite's; PostgreSQL's COMMIT includes its own.
    if (!PG_URL) assert.match(text, /# TYPE mnad_wal_fsync_duration_seconds histogram/);

    // One JSON log line per request; never a secret. Request lines are
    // flushed at least once a second.
    const requestLines = () => server.stderr().split('\n')
      .filter((l) => l.startsWith('{"time"') && l.includes('"DescribeAccountBalance"'));
    for (let waited = 0; requestLines().length < 10 && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lines = server.stderr().split('\n').filter((l) => l.startsWith('{"time"'));
    const logged = lines.map((l) => JSON.parse(l));
    const balanceLines = logged.filter((l) => l.action === 'DescribeAccountBalance');
    assert.ok(balanceLines.length >= 10);
    for (const entry of balanceLines) {
      assert.match(entry.request_id, /^[0-9a-f-]{36}$/);
      assert.equal(entry.caller_uin, balanceLines[0].caller_uin);
      assert.match(entry.caller_uin, /^\d+$/);
      assert.equal(typeof entry.latency_us, 'number');
      assert.ok(['Success', 'RequestLimitExceeded'].includes(entry.code));
    }
    assert.ok(!server.stderr().includes(KEYS.acmeRoot.secretKey), 'secret keys never reach the log');
    await stop(server);

    // A restart reuses the token and does not print it again.
    server = start(dataDir);
    const second = await server.ready;
    assert.equal(second.printedToken, null);
    assert.equal((await fetch(`${second.admin}/info`, auth)).status, 200);
    await stop(server);

    // A token given in configuration replaces the file's.
    const given = 'g'.repeat(40);
    server = start(dataDir, ['--admin-token', given]);
    const third = await server.ready;
    assert.equal((await fetch(`${third.admin}/info`, auth)).status, 401);
    assert.equal((await fetch(`${third.admin}/info`, { headers: { Authorization: `Bearer ${given}` } })).status, 200);
    await stop(server);
  } finally {
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('admin API can be switched off and bad settings stop start-up', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-admin-'));
  try {
    const proc = spawn(MNAD_BIN, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--admin-token', 'short'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise((resolve) => proc.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--admin-token/);

    const off = spawn(MNAD_BIN, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--admin-listen', 'off'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    off.stdout.setEncoding('utf8');
    await new Promise((resolve) => off.stdout.on('data', (d) => {
      stdout += d;
      if (/listening on/.test(stdout)) resolve();
    }));
    off.kill('SIGTERM');
    assert.equal(await new Promise((resolve) => off.once('exit', resolve)), 0);
    assert.doesNotMatch(stdout, /admin/, 'no admin listener, no token');
    assert.ok(!fs.existsSync(path.join(dataDir, 'admin-token')));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
