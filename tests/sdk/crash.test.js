'use strict';
// Crash test: purchases under load while mnad is killed with SIGKILL at
// random moments, then restarted on the same data. After every restart:
// - every purchase whose reply arrived is present, with the same ResourceId;
// - nothing is half-applied: balance + voucher balances + licenses x price
//   equals what was seeded, and nothing is negative.
// Observed only through the official SDK: a sub-user without payment
// permission probes each device (RepeatPurchase = licensed, naming the
// ResourceId; NotAllowedToPay = not licensed, and nothing changes).
//
// MNAD_CRASH_ROUNDS sets the number of kills (default 20).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MNAD_BIN, mnaClient, billingClient, storeArgs } = require('./harness');

const ROUNDS = Number(process.env.MNAD_CRASH_ROUNDS || 20);
const PRICE = 100000;
const DEVICES = 3000;
const UIN = '900000000001';
const ROOT = { secretId: 'AKIDcrashroot000000000000000000000001', secretKey: 'crash-root-secret-000000000000001' };
const PROBE = { secretId: 'AKIDcrashprobe00000000000000000000001', secretKey: 'crash-probe-secret-00000000000001' };
const VOUCHERS = [
  { voucher_id: 'cv-1', nominal_fen: 30000 },
  { voucher_id: 'cv-2', nominal_fen: 100000 },
  { voucher_id: 'cv-3', nominal_fen: 250000, cash: true },
  { voucher_id: 'cv-4', nominal_fen: 5000 },
];
const BALANCE = 2500 * PRICE; // runs out before the devices do
const SEEDED_TOTAL = BALANCE + VOUCHERS.reduce((sum, v) => sum + v.nominal_fen, 0);

function deviceId(i) {
  return `mna-crash${String(i).padStart(4, '0')}`;
}

function writeSeed(dir) {
  const seed = {
    version: 1,
    regions: ['ap-guangzhou'],
    prices: { license_fen: PRICE },
    accounts: [{
      uin: UIN,
      app_id: 1390000001,
      name: 'crash',
      identity_verified: true,
      service_authorized: true,
      balance_fen: BALANCE,
      keys: [{ secret_id: ROOT.secretId, secret_key: ROOT.secretKey }],
      sub_users: [{
        uin: '900000000011', name: 'probe', allowed_actions: ['mna:*'], payment_allowed: false,
        keys: [{ secret_id: PROBE.secretId, secret_key: PROBE.secretKey }],
      }],
      vouchers: VOUCHERS.map((v) => ({
        ...v, balance_fen: v.nominal_fen, begin_time: '2020-01-01T00:00:00Z',
        end_time: '2099-01-01T00:00:00Z', products: ['mna'], status: 'unUsed',
      })),
      devices: Array.from({ length: DEVICES }, (_, i) => ({
        device_id: deviceId(i), name: `crash-${i}`, license_pay_mode: 1,
      })),
    }],
  };
  const file = path.join(dir, 'crash-seed.json');
  fs.writeFileSync(file, JSON.stringify(seed));
  return file;
}

function start(dataDir, seedFile) {
  const proc = spawn(MNAD_BIN, ['--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--seed', seedFile, ...storeArgs(dataDir),
    '--rate-limit-per-second', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const port = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mnad did not start\n${stderr}`)), 15000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`mnad exited (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
  return { proc, port, exited, stderr: () => stderr };
}

// Which devices hold a license: ResourceId per licensed device.
async function probe(port) {
  const client = mnaClient(port, PROBE, { region: 'ap-guangzhou' });
  const licensed = new Map();
  let next = 0;
  const worker = async () => {
    while (next < DEVICES) {
      const i = next;
      next += 1;
      await probeOne(client, i, licensed);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return licensed;
}

async function probeOne(client, i, licensed) {
  {
    try {
      await client.OrderPerLicense({ DeviceId: deviceId(i), Type: 0 });
      assert.fail(`the probe bought ${deviceId(i)}: it has no payment permission`);
    } catch (err) {
      if (err.code === 'OperationDenied.RepeatPurchase') {
        const m = /license ([0-9a-f-]{36}-0)/.exec(err.message);
        assert.ok(m, `RepeatPurchase must name the ResourceId: ${err.message}`);
        licensed.set(deviceId(i), m[1]);
      } else {
        assert.equal(err.code, 'OperationDenied.NotAllowedToPay', `probe of ${deviceId(i)}: ${err.message}`);
      }
    }
  }
}

async function money(port) {
  const billing = billingClient(port, ROOT, { region: 'ap-guangzhou' });
  const balance = await billing.DescribeAccountBalance({});
  const vouchers = await billing.DescribeVoucherInfo({ Limit: 1000, Offset: 1 });
  assert.equal(vouchers.TotalCount, VOUCHERS.length);
  let voucherFen = 0;
  for (const v of vouchers.VoucherInfos) {
    assert.ok(v.Balance >= 0, `voucher ${v.VoucherId} is negative`);
    assert.equal(v.Balance % 1000000, 0, 'voucher micro amounts are whole fen');
    voucherFen += v.Balance / 1000000;
  }
  assert.ok(balance.Balance >= 0, 'balance is negative');
  return { balance: balance.Balance, voucherFen };
}

test('acknowledged purchases survive SIGKILL and money is never half-moved', { timeout: 600000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-crash-'));
  const dataDir = path.join(dir, 'data');
  const seedFile = writeSeed(dir);
  const acknowledged = new Map(); // device -> ResourceId whose reply arrived
  let killedWithRequestsInFlight = 0;
  let purchasesAcknowledged = 0;
  try {
    for (let round = 0; round <= ROUNDS; round += 1) {
      const server = start(dataDir, seedFile);
      const port = await server.port;

      // Verify what the previous kill left behind.
      const licensed = await probe(port);
      for (const [device, resourceId] of acknowledged) {
        assert.equal(licensed.get(device), resourceId,
          `round ${round}: the acknowledged purchase of ${device} (${resourceId}) is missing`);
      }
      const { balance, voucherFen } = await money(port);
      assert.equal(balance + voucherFen + licensed.size * PRICE, SEEDED_TOTAL,
        `round ${round}: balance ${balance} + vouchers ${voucherFen} + ${licensed.size} licenses x ${PRICE} ` +
        `!= seeded ${SEEDED_TOTAL}`);
      if (round === ROUNDS) {
        server.proc.kill('SIGTERM');
        assert.deepEqual(await server.exited, { code: 0, signal: null });
        break;
      }

      // Load: every unlicensed device, some twice, from 16 concurrent workers.
      const targets = [];
      for (let i = 0; i < DEVICES; i += 1) {
        if (!licensed.has(deviceId(i))) targets.push(deviceId(i));
      }
      const queue = targets.concat(targets.filter((_, i) => i % 5 === 0));
      const client = mnaClient(port, ROOT, { region: 'ap-guangzhou' });
      let inFlight = 0;
      let killed = false;
      const worker = async () => {
        while (queue.length > 0 && !killed) {
          const device = queue.shift();
          inFlight += 1;
          try {
            const reply = await client.OrderPerLicense({ DeviceId: device, Type: 0, AutoVoucher: Math.random() < 0.5 });
            assert.match(reply.ResourceId, /^[0-9a-f-]{36}-0$/);
            assert.ok(!acknowledged.has(device), `${device} sold twice`);
            acknowledged.set(device, reply.ResourceId);
            purchasesAcknowledged += 1;
          } catch (err) {
            if (err.code !== undefined) {
              assert.ok(['OperationDenied.RepeatPurchase', 'OperationDenied.InsufficientBalance'].includes(err.code),
                `unexpected refusal ${err.code}: ${err.message}`);
            } // else: the connection died with the server; the outcome is unknown
          } finally {
            inFlight -= 1;
          }
        }
      };
      const workers = Array.from({ length: 16 }, worker);
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 200));
      if (inFlight > 0) killedWithRequestsInFlight += 1;
      killed = true;
      server.proc.kill('SIGKILL');
      await server.exited;
      await Promise.all(workers);
    }
    t.diagnostic(`crash rounds: ${ROUNDS}; kills with requests in flight: ${killedWithRequestsInFlight}; ` +
      `purchases acknowledged: ${purchasesAcknowledged}`);
    assert.ok(killedWithRequestsInFlight >= Math.ceil(ROUNDS / 2),
      'most kills must land while purchases are in flight, or the test proves little');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
