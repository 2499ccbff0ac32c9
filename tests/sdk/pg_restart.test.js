'use strict';
// PostgreSQL restarts under load (issue #14): purchases run through the
// official SDK while the database server is restarted (fast shutdown, every
// connection cut). Afterwards:
// - every purchase whose reply arrived is in the database, with its ResourceId;
// - money is neither created nor lost: balance + licenses x price = opening,
//   and the balance is the sum of its journal;
// - mnad recovered by itself: purchases succeed again without restarting it.
// A purchase in flight during the outage answers FailedOperation.
// TransactionException or InternalError (never a success that did not
// commit). Runs when the test command provides the server
// (MNAD_TEST_PG_URL and MNAD_TEST_PG_DIR); skipped otherwise.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const h = require('./harness');

const PG_DIR = process.env.MNAD_TEST_PG_DIR || '';
const PRICE = 100;
const DEVICES = 1200;
const UIN = '910000000001';
const ROOT = { secretId: 'AKIDpgrestart00000000000000000000001', secretKey: 'pg-restart-secret-0000000000001' };
const OPENING = 100000000;

function deviceId(i) {
  return `mna-pgr${String(i).padStart(4, '0')}`;
}

// One account with OPENING fen and `devices` permanent-license devices.
function writeSeed(devices) {
  return h.writeSeed({
    version: 1,
    regions: ['ap-guangzhou'],
    prices: { license_fen: PRICE },
    accounts: [{
      uin: UIN, app_id: 1391000001, name: 'pg-restart', identity_verified: true, service_authorized: true,
      balance_fen: OPENING,
      keys: [{ secret_id: ROOT.secretId, secret_key: ROOT.secretKey }],
      devices: Array.from({ length: devices }, (_, i) => ({ device_id: deviceId(i), name: `d${i}`, license_pay_mode: 1 })),
    }],
  });
}

const skip = !(h.PG_URL && PG_DIR) && 'needs the test PostgreSQL server (MNAD_TEST_PG_URL, MNAD_TEST_PG_DIR)';

test('purchases while PostgreSQL restarts: acknowledged ones stay, money is conserved, mnad recovers',
  { skip, timeout: 300000 }, async () => {
    const seedFile = writeSeed(DEVICES);
    // Credentials are looked up again every 100 ms, so that the outage
    // reaches the read path too.
    const server = await h.startServer({
      seed: seedFile.path, extraArgs: ['--rate-limit-per-second', '0', '--credential-cache-ms', '100'],
    });
    try {
      const client = h.mnaClient(server.port, ROOT, { region: 'ap-guangzhou' });
      const acknowledged = new Map();
      const refusals = new Map();
      let next = 0;
      let restarted = false;
      let afterRestart = 0;
      const worker = async () => {
        while (next < DEVICES) {
          const device = deviceId(next);
          next += 1;
          try {
            const reply = await client.OrderPerLicense({ DeviceId: device, Type: 0 });
            assert.match(reply.ResourceId, /^[0-9a-f-]{36}-0$/);
            acknowledged.set(device, reply.ResourceId);
            if (restarted) afterRestart += 1;
          } catch (err) {
            assert.ok(['FailedOperation.TransactionException', 'InternalError'].includes(err.code),
              `${device}: unexpected ${err.code}: ${err.message}`);
            refusals.set(err.code, (refusals.get(err.code) || 0) + 1);
          }
          // Slow enough that the restart lands in the middle of the run.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, worker));
      while (acknowledged.size < 150) await new Promise((resolve) => setTimeout(resolve, 20));
      execFileSync(path.join(__dirname, '..', '..', 'scripts', 'pg-test-server.sh'), ['restart', PG_DIR]);
      restarted = true;
      await load;

      assert.ok(afterRestart >= 100, `only ${afterRestart} purchases succeeded after the restart`);
      const { licenses } = h.adminOk(await h.admin(server, 'GET', `/v1/accounts/${UIN}/licenses`));
      const byDevice = new Map(licenses.map((l) => [l.device_id, l.resource_id]));
      for (const [device, resourceId] of acknowledged) {
        assert.equal(byDevice.get(device), resourceId, `the acknowledged purchase of ${device} is missing`);
      }
      const { balance_fen: balance } = h.adminOk(await h.admin(server, 'GET', `/v1/accounts/${UIN}/balance`));
      assert.equal(balance + licenses.length * PRICE, OPENING,
        `balance ${balance} + ${licenses.length} licenses x ${PRICE} != opening ${OPENING}`);
      const { journal } = h.adminOk(await h.admin(server, 'GET', `/v1/accounts/${UIN}/journal`));
      assert.equal(journal.reduce((sum, e) => sum + e.delta_fen, 0), balance);
      console.log(`# pg restart: ${acknowledged.size} acknowledged, ${licenses.length} licenses, ` +
        `${afterRestart} after the restart, refusals ${JSON.stringify(Object.fromEntries(refusals))}`);
      await h.stopAndAssertClean(server);
      // The restart cut the writer's connection: it was replaced, not
      // waited out.
      const { stdout, stderr } = server.output();
      const counts = /(\d+) conflicts retried, (\d+) reconnects/.exec(stdout + stderr);
      assert.ok(counts, 'mnad logs its group-commit counts at exit');
      assert.ok(Number(counts[2]) >= 2, `reconnects: ${counts[2]}`);
    } finally {
      await h.stopAndAssertClean(server);
      seedFile.remove();
    }
  });

test('while PostgreSQL is stopped: requests answer within a bound, /healthz is not ready, and mnad recovers',
  { skip, timeout: 120000 }, async () => {
    const seedFile = writeSeed(4);
    const server = await h.startServer({
      seed: seedFile.path, extraArgs: ['--rate-limit-per-second', '0', '--credential-cache-ms', '100'],
    });
    const script = path.join(__dirname, '..', '..', 'scripts', 'pg-test-server.sh');
    const port = Number(/:(\d+)\//.exec(h.PG_URL)[1]);
    let stopped = false;
    try {
      const client = h.mnaClient(server.port, ROOT, { region: 'ap-guangzhou' });
      await client.OrderPerLicense({ DeviceId: deviceId(0), Type: 0 });
      assert.equal((await fetch(`${server.adminUrl}/healthz`)).status, 200);

      execFileSync(script, ['stop', PG_DIR]);
      stopped = true;
      const started = Date.now();
      await assert.rejects(client.OrderPerLicense({ DeviceId: deviceId(1), Type: 0 }), (err) => {
        assert.ok(['FailedOperation.TransactionException', 'InternalError'].includes(err.code),
          `${err.code}: ${err.message}`);
        return true;
      });
      const took = Date.now() - started;
      assert.ok(took < 15000, `the purchase took ${took} ms to answer`);
      const health = await fetch(`${server.adminUrl}/healthz`);
      assert.equal(health.status, 503);
      assert.deepEqual(await health.json(), { status: 'unavailable' });

      execFileSync(script, ['start', PG_DIR, String(port)]);
      stopped = false;
      assert.equal((await fetch(`${server.adminUrl}/healthz`)).status, 200);
      const reply = await client.OrderPerLicense({ DeviceId: deviceId(1), Type: 0 });
      assert.match(reply.ResourceId, /^[0-9a-f-]{36}-0$/);
      const { balance_fen: balance } = h.adminOk(await h.admin(server, 'GET', `/v1/accounts/${UIN}/balance`));
      assert.equal(balance, OPENING - 2 * PRICE);
    } finally {
      if (stopped) execFileSync(script, ['start', PG_DIR, String(port)]);
      await h.stopAndAssertClean(server);
      seedFile.remove();
    }
  });
