'use strict';
// SIGTERM under purchase load: every request the server read is answered
// before it exits. After each round the server is restarted on the same
// data, and the devices with a license are exactly those whose purchase
// was answered Success: no purchase committed without its reply reaching
// the client. MNAD_SHUTDOWN_ROUNDS sets the number of rounds (default 6).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');
const { signedText } = require('./raw_http');

const ROUNDS = Number(process.env.MNAD_SHUTDOWN_ROUNDS || 6);
const CLIENTS = 24;
const PER_CLIENT = 60;
const UIN = '710000000001';
const KEY = { secretId: 'AKIDshutdown0000000000000000000000001', secretKey: 'shutdown-secret-00000000000000001' };
const ADMIN = ['--admin-token', 'shutdown-admin-token-000000000000000001'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function deviceId(round, client, i) {
  return `mna-s${round}c${String(client).padStart(2, '0')}n${String(i).padStart(3, '0')}`;
}

// One keep-alive connection buying its devices one after another until the
// server closes it. Resolves to {device: 'Success' | code} for each answer.
function buyer(port, round, client, outcomes) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let next = 0;
    const send = () => {
      if (next >= PER_CLIENT) return socket.end();
      const body = JSON.stringify({ DeviceId: deviceId(round, client, next), Type: 0, RollBack: false });
      socket.write(signedText({ action: 'OrderPerLicense', body, credential: KEY }));
    };
    socket.on('connect', send);
    socket.on('data', (chunk) => {
      // One request is outstanding at a time, so a reply is whole or not yet.
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(data.subarray(0, end).toString('latin1'))[1]);
      if (data.length < end + 4 + length) return;
      const error = JSON.parse(data.subarray(end + 4, end + 4 + length).toString('utf8')).Response.Error;
      data = data.subarray(end + 4 + length);
      outcomes.set(deviceId(round, client, next), error ? error.Code : 'Success');
      next++;
      send();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

describe('graceful shutdown under purchase load', () => {
  let seed;
  let dataDir;
  before(() => {
    const devices = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let client = 0; client < CLIENTS; client++) {
        for (let i = 0; i < PER_CLIENT; i++) {
          devices.push({ device_id: deviceId(round, client, i), name: deviceId(round, client, i), license_pay_mode: 1, remark: '' });
        }
      }
    }
    seed = h.writeSeed({
      version: 1,
      regions: ['ap-guangzhou'],
      prices: { license_fen: 100 },
      accounts: [{
        uin: UIN, app_id: 1371000001, name: 'shutdown', identity_verified: true, service_authorized: true,
        balance_fen: 100 * devices.length, keys: [{ secret_id: KEY.secretId, secret_key: KEY.secretKey }], devices,
      }],
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-shutdown-'));
  });
  after(() => {
    seed.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: every committed purchase got its reply`, async () => {
      const server = await h.startServer({ seed: seed.path, dataDir, extraArgs: ['--rate-limit-per-second', '0', ...ADMIN] });
      const outcomes = new Map();
      const buyers = Array.from({ length: CLIENTS }, (_, client) => buyer(server.port, round, client, outcomes));
      await sleep(150 + 40 * round);
      const { code, signal } = await server.stop();
      // On a failed exit, what the server said last (a sanitizer report).
      assert.equal(code, 0, server.output().stderr.slice(-6000));
      assert.equal(signal, null);
      await Promise.all(buyers);

      const check = await h.startServer({ seed: null, dataDir, extraArgs: ADMIN });
      try {
        const licenses = h.adminOk(await h.admin(check, 'GET', `/v1/accounts/${UIN}/licenses`));
        const licensed = new Set((licenses.licenses || licenses).map((l) => l.device_id)
          .filter((d) => d.startsWith(`mna-s${round}c`)));
        const succeeded = new Set([...outcomes].filter(([, outcome]) => outcome === 'Success').map(([d]) => d));
        assert.ok(succeeded.size > 0, 'some purchases were answered before the signal');
        for (const [device, outcome] of outcomes) assert.equal(outcome, 'Success', `${device}: ${outcome}`);
        const unanswered = [...licensed].filter((d) => !succeeded.has(d));
        assert.deepEqual(unanswered, [], 'licensed without a reply');
        assert.equal(licensed.size, succeeded.size);
      } finally {
        await h.stopAndAssertClean(check);
      }
    });
  }
});
