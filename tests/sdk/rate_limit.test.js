'use strict';
// Per-caller rate limiting (RequestLimitExceeded), on a server of its own
// started with --rate-limit-per-second 5.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const h = require('./harness');

const { KEYS } = h;
const LIMIT_PER_SECOND = 5;
const BURST = 15;
const RATE_DEVICE = h.account('ratelimited').devices[0].device_id;
const ACME_DEVICE = h.account('acme').devices[0].device_id;

// Settles every promise and splits the outcomes.
async function tally(promises) {
  const outcomes = await Promise.allSettled(promises);
  const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
  const limited = outcomes.filter((o) => o.status === 'rejected' && o.reason.code === 'RequestLimitExceeded');
  const other = outcomes.filter((o) => o.status === 'rejected' && o.reason.code !== 'RequestLimitExceeded');
  return { ok, limited, other };
}

// Waits until just after a wall-clock second boundary, so that a burst lands
// inside one second whether the server counts fixed windows or tokens.
async function alignToSecond() {
  const ms = Date.now() % 1000;
  await sleep(1000 - ms + 20);
}

describe('rate limiting', () => {
  let server;
  let port;

  before(async () => {
    server = await h.startServer({ extraArgs: ['--rate-limit-per-second', String(LIMIT_PER_SECOND)] });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  it(`limits one key to ${LIMIT_PER_SECOND}/s and still serves other identities`, { timeout: 30_000 }, async () => {
    // Clients are built up front so the burst is only requests.
    const burstClients = Array.from({ length: BURST }, () => h.mnaClient(port, KEYS.rateRoot));
    const subUser = h.mnaClient(port, KEYS.rateSub);
    const otherAccount = h.mnaClient(port, KEYS.acmeRoot);
    const req = { DeviceIdList: [RATE_DEVICE] };

    await alignToSecond();
    const burst = burstClients.map((c) => c.GetDevicePayMode(req));
    // In the same moment: a sub-user of the same account, and another account.
    const subUserCall = subUser.GetDevicePayMode(req);
    const otherAccountCall = otherAccount.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] });

    const { ok, limited, other } = await tally(burst);
    assert.deepEqual(other.map((o) => `${o.reason.code}: ${o.reason.message}`), [], 'only RequestLimitExceeded may fail');
    assert.ok(limited.length >= 1, `expected at least one RequestLimitExceeded among ${BURST} calls, got ${ok} successes`);
    assert.ok(ok <= LIMIT_PER_SECOND, `at most ${LIMIT_PER_SECOND} of ${BURST} calls may succeed, ${ok} did`);
    assert.ok(ok >= 1, 'the first calls within the limit must succeed');
    for (const l of limited) {
      assert.equal(typeof l.reason.requestId, 'string');
      assert.ok(l.reason.requestId.length > 0);
    }

    const subRes = await subUserCall;
    assert.equal(subRes.Result[0].DeviceId, RATE_DEVICE, 'a sub-user is a separate identity and must be served');
    const otherRes = await otherAccountCall;
    assert.equal(otherRes.Result[0].DeviceId, ACME_DEVICE, 'another account must be served');
  });

  it('serves the limited key again after the window has passed', { timeout: 30_000 }, async () => {
    await sleep(1500);
    const res = await h.mnaClient(port, KEYS.rateRoot).GetDevicePayMode({ DeviceIdList: [RATE_DEVICE] });
    assert.equal(res.Result[0].DeviceId, RATE_DEVICE);
  });

  it('answers RequestLimitExceeded with the usual envelope (raw)', { timeout: 30_000 }, async () => {
    await sleep(1500);
    await alignToSecond();
    const body = JSON.stringify({ DeviceIdList: [RATE_DEVICE] });
    const replies = await Promise.all(Array.from({ length: BURST }, () =>
      h.rawTc3(port, { action: 'GetDevicePayMode', body, credential: KEYS.rateRoot })));
    const limited = replies.filter((r) => r.json && r.json.Response && r.json.Response.Error &&
      r.json.Response.Error.Code === 'RequestLimitExceeded');
    assert.ok(limited.length >= 1, 'expected at least one RequestLimitExceeded');
    for (const r of limited) h.assertRawError(r, 'RequestLimitExceeded');
  });
});
