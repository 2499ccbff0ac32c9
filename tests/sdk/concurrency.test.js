'use strict';
// Concurrent OrderPerLicense calls against one mnad (rate limit disabled):
// exactly one license per target, no balance or voucher below zero, and the
// money invariant
//   sum(balance + voucher balances) + successes * price == seeded money
// observed through billing DescribeAccountBalance / DescribeVoucherInfo /
// DescribeVoucherUsageDetails only.
//
// The seed is generated here (a temporary file): accounts with four targets
// each, from rich to nearly broke, so that the expected number of successes
// per account is deterministic whatever the interleaving.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const PRICE = 1000;
const CLIENTS = 8;
const END = '2099-12-31T23:59:59Z';

function keys(tag) {
  return [{ secret_id: `AKIDconc${tag}`.padEnd(37, '0') + '1', secret_key: `conc-${tag}-secret`.padEnd(33, '0') + '1' }];
}
function voucher(id, fen, cash = false) {
  return { voucher_id: id, cash, nominal_fen: fen, balance_fen: fen, threshold_fen: 0,
    begin_time: '2020-01-01T00:00:00Z', end_time: END, products: ['mna'], status: 'unUsed' };
}
let uin = 500000000000;
function account(name, { balance, vouchers = [], devices = 4, vendor = false, payer = false }) {
  uin += 1;
  const a = {
    uin: String(uin), app_id: 1300000000 + (uin % 1000), name,
    identity_verified: true, service_authorized: true, suspended: false,
    vendor: vendor ? { name } : null, balance_fen: balance, keys: keys(name),
    sub_users: payer ? [{ uin: String(uin + 100000), name: 'payer', allowed_actions: ['mna:*'], payment_allowed: true, keys: keys(`${name}payer`) }] : [],
    vouchers, devices: [], hardware: [],
  };
  for (let i = 0; i < devices; i++) {
    const n = String(i + 1).padStart(2, '0');
    if (vendor) a.hardware.push({ hardware_id: `cpe-${name}${n}`, sn: `SN-${name}-${n}`, license_charging_mode: 3 });
    else a.devices.push({ device_id: `mna-${name}${n}`, name: `${name}-${n}`, license_pay_mode: 1 });
  }
  return a;
}

// successes: how many licenses the account ends up with, whatever the order.
const PLAN = [
  // Plenty of money: all four, vouchers used in any mix.
  { acct: account('rich', { balance: 100 * PRICE, vouchers: [voucher('v-rich-a', 1500), voucher('v-rich-b', 300, true)] }),
    successes: 4, modes: [{}, { AutoVoucher: true }, { VoucherIds: ['v-rich-a'] }, { VoucherIds: ['v-rich-b'] }] },
  // Exactly four prices of balance plus small vouchers: all four, whichever requests use vouchers.
  { acct: account('exact', { balance: 4 * PRICE, vouchers: [voucher('v-exact-a', 500), voucher('v-exact-b', 500)] }),
    successes: 4, modes: [{}, { AutoVoucher: true }, { VoucherIds: ['v-exact-b'] }] },
  // Balance for two and a half licenses, no voucher: two.
  { acct: account('tight', { balance: 2.5 * PRICE }), successes: 2, modes: [{}, { AutoVoucher: true }] },
  // No balance, one voucher worth two licenses (and a useless partial one): two.
  { acct: account('vouchonly', { balance: 0, vouchers: [voucher('v-vo-big', 2 * PRICE), voucher('v-vo-small', 300)] }),
    successes: 2, modes: [{ AutoVoucher: true }, { VoucherIds: ['v-vo-big'] }] },
  // A vendor buying for hardware (Type 1), root and a paying sub-user at once.
  { acct: account('vendor', { balance: 10 * PRICE, vendor: true, payer: true,
    vouchers: [voucher('v-ven-a', 700), voucher('v-ven-b', 700), voucher('v-ven-c', 700, true)] }),
    successes: 4, modes: [{}, { AutoVoucher: true }, { VoucherIds: ['v-ven-c'] }] },
];
// Many devices against one voucher / one balance.
const HOT = [
  { acct: account('hotvoucher', { balance: 0, devices: 10, vouchers: [voucher('v-hot', 3.5 * PRICE)] }),
    successes: 3, modes: [{ AutoVoucher: true }, { VoucherIds: ['v-hot'] }] },
  { acct: account('hotbalance', { balance: 5 * PRICE, devices: 12 }), successes: 5, modes: [{}] },
];

// For the documented limit of 20 requests per second (a server of its own).
const RATE_DEVICES = 30;
const RATE = account('burst', { balance: 100 * PRICE, devices: RATE_DEVICES });

const SEED = { version: 1, regions: ['ap-guangzhou'], prices: { license_fen: PRICE },
  accounts: [...PLAN, ...HOT].map((p) => p.acct).concat([RATE]) };

function targetsOf(acct) {
  return acct.vendor
    ? acct.hardware.map((x) => ({ id: x.hardware_id, type: 1 }))
    : acct.devices.map((x) => ({ id: x.device_id, type: 0 }));
}
function seededMoney(acct) {
  return acct.balance_fen + acct.vouchers.reduce((s, v) => s + v.balance_fen, 0);
}
function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

describe('concurrent OrderPerLicense', () => {
  let seedFile;
  let server;
  let port;

  before(async () => {
    seedFile = h.writeSeed(SEED);
    server = await h.startServer({ seed: seedFile.path, extraArgs: ['--rate-limit-per-second', '0'] });
    port = server.port;
  });

  after(async () => {
    try {
      await h.stopAndAssertClean(server);
    } finally {
      if (seedFile) seedFile.remove();
    }
  });

  // Fires every request at once; resolves to per-target outcomes.
  async function burst(plans, clientsPerTarget) {
    const calls = [];
    for (const plan of plans) {
      const creds = [seedFile.cred(plan.acct.name)];
      if (plan.acct.sub_users.length) creds.push(seedFile.cred(plan.acct.name, plan.acct.sub_users[0].name));
      // CLIENTS SDK clients per account, alternating its keys.
      const clients = Array.from({ length: clientsPerTarget }, (_, i) => h.mnaClient(port, creds[i % creds.length]));
      for (const target of targetsOf(plan.acct)) {
        clients.forEach((client, i) => {
          const req = { DeviceId: target.id, Type: target.type, ...plan.modes[i % plan.modes.length] };
          calls.push({ plan, target, req, client });
        });
      }
    }
    shuffle(calls);
    const settled = await Promise.allSettled(calls.map((c) => c.client.OrderPerLicense(c.req)));
    return calls.map((c, i) => ({ ...c, outcome: settled[i] }));
  }

  // Checks one burst's outcomes and the money afterwards.
  async function check(plans, results) {
    const unexpected = results.filter((r) => r.outcome.status === 'rejected' &&
      !['OperationDenied.RepeatPurchase', 'OperationDenied.InsufficientBalance'].includes(r.outcome.reason.code));
    assert.deepEqual(unexpected.map((r) => `${r.target.id} ${JSON.stringify(r.req)}: ${r.outcome.reason.code} ${r.outcome.reason.message}`), [],
      'only RepeatPurchase and InsufficientBalance may refuse');

    const resourceIds = new Set();
    const licenseOf = new Map(); // target id -> the ResourceId that won it
    for (const plan of plans) {
      let successes = 0;
      for (const target of targetsOf(plan.acct)) {
        const mine = results.filter((r) => r.target.id === target.id);
        const won = mine.filter((r) => r.outcome.status === 'fulfilled');
        assert.ok(won.length <= 1, `${target.id}: ${won.length} successes`);
        if (won.length === 1) {
          const rid = won[0].outcome.value.ResourceId;
          assert.match(rid, /^[0-9a-f-]{36}-0$/);
          assert.ok(!resourceIds.has(rid), `ResourceId ${rid} issued twice`);
          resourceIds.add(rid);
          licenseOf.set(target.id, rid);
          successes++;
          // Money never comes back, so every other request for a bought target
          // came after the win: RepeatPurchase naming the winning license.
          for (const r of mine) {
            if (r.outcome.status !== 'rejected') continue;
            assert.equal(r.outcome.reason.code, 'OperationDenied.RepeatPurchase', `${target.id}: ${r.outcome.reason.message}`);
            assert.ok(r.outcome.reason.message.includes(rid), `RepeatPurchase for ${target.id} must name ${rid}: ${r.outcome.reason.message}`);
          }
        } else {
          for (const r of mine) {
            assert.equal(r.outcome.reason.code, 'OperationDenied.InsufficientBalance', `${target.id} was never bought`);
          }
        }
      }
      assert.equal(successes, plan.successes, `licenses bought by ${plan.acct.name}`);
      plan.bought = successes;
    }

    let seededTotal = 0;
    let nowTotal = 0;
    let spentTotal = 0;
    for (const plan of plans) {
      const cred = seedFile.cred(plan.acct.name);
      const money = await h.moneyOf(port, cred);
      assert.ok(money.balance >= 0, `${plan.acct.name} balance ${money.balance} < 0`);
      let vouchers = 0;
      for (const v of plan.acct.vouchers) {
        const now = money.vouchers[v.voucher_id];
        assert.ok(now, `${v.voucher_id} must be listed`);
        assert.ok(now.balance >= 0, `${v.voucher_id} balance ${now.balance} < 0`);
        assert.ok(now.balance <= v.balance_fen, `${v.voucher_id} grew`);
        assert.equal(now.status, now.balance === 0 ? 'used' : 'unUsed', `${v.voucher_id} status at balance ${now.balance}`);
        // Its usage records add up to what it lost, each at most the price.
        const usage = await h.billingClient(port, cred).DescribeVoucherUsageDetails({ Limit: 1000, Offset: 1, VoucherId: v.voucher_id });
        assert.equal(usage.TotalUsedAmount, (v.balance_fen - now.balance) * h.MICRO_PER_FEN, `${v.voucher_id} usage total`);
        assert.equal(usage.UsageRecords.reduce((s, r) => s + r.UsedAmount, 0), usage.TotalUsedAmount);
        for (const r of usage.UsageRecords) assert.ok(r.UsedAmount > 0 && r.UsedAmount <= PRICE * h.MICRO_PER_FEN);
        vouchers += now.balance;
      }
      const seeded = seededMoney(plan.acct);
      const now = money.balance + vouchers;
      assert.equal(now + plan.bought * PRICE, seeded,
        `money of ${plan.acct.name}: now ${now} + ${plan.bought} x ${PRICE} must equal seeded ${seeded}`);
      seededTotal += seeded;
      nowTotal += now;
      spentTotal += plan.bought * PRICE;
    }
    assert.equal(nowTotal + spentTotal, seededTotal, 'sum over accounts');

    // Afterwards, sequentially: licensed targets answer RepeatPurchase with
    // their ResourceId; the others still cannot be paid.
    for (const plan of plans) {
      const client = h.mnaClient(port, seedFile.cred(plan.acct.name));
      for (const target of targetsOf(plan.acct)) {
        const req = { DeviceId: target.id, Type: target.type, AutoVoucher: true };
        if (licenseOf.has(target.id)) {
          await h.expectCode(client.OrderPerLicense(req), 'OperationDenied.RepeatPurchase', { messageIncludes: licenseOf.get(target.id) });
        } else {
          await h.expectCode(client.OrderPerLicense(req), 'OperationDenied.InsufficientBalance');
        }
      }
    }
  }

  it(`${CLIENTS} clients x the same 20 targets of 5 accounts, mixed vouchers, some accounts short of money`,
    { timeout: 30_000 }, async () => {
      assert.equal(PLAN.reduce((n, p) => n + targetsOf(p.acct).length, 0), 20);
      const results = await burst(PLAN, CLIENTS);
      assert.equal(results.length, 20 * CLIENTS);
      await check(PLAN, results);
    });

  it('many devices against one voucher and one balance: the voucher and the balance never pay more than they hold',
    { timeout: 30_000 }, async () => {
      const results = await burst(HOT, 3);
      await check(HOT, results);
      const hv = await h.moneyOf(port, seedFile.cred('hotvoucher'));
      assert.deepEqual(hv, { balance: 0, vouchers: { 'v-hot': { balance: 500, status: 'unUsed' } } });
      const hb = await h.moneyOf(port, seedFile.cred('hotbalance'));
      assert.deepEqual(hb, { balance: 0, vouchers: {} });
    });
});

describe('OrderPerLicense under the default rate limit (20/s)', () => {
  let seedFile;
  let server;
  let port;

  before(async () => {
    seedFile = h.writeSeed(SEED);
    server = await h.startServer({ seed: seedFile.path, extraArgs: [] });
    port = server.port;
  });

  after(async () => {
    try {
      await h.stopAndAssertClean(server);
    } finally {
      if (seedFile) seedFile.remove();
    }
  });

  it(`${RATE_DEVICES} purchases at once from one key: at most 20 pass, the limited ones are not charged`, { timeout: 30_000 }, async () => {
    const cred = seedFile.cred('burst');
    const clients = RATE.devices.map(() => h.mnaClient(port, cred));
    const settled = await Promise.allSettled(RATE.devices.map((d, i) =>
      clients[i].OrderPerLicense({ DeviceId: d.device_id, Type: 0, AutoVoucher: true })));
    const ok = settled.filter((o) => o.status === 'fulfilled').length;
    const limited = settled.filter((o) => o.status === 'rejected' && o.reason.code === 'RequestLimitExceeded').length;
    const other = settled.filter((o) => o.status === 'rejected' && o.reason.code !== 'RequestLimitExceeded');
    assert.deepEqual(other.map((o) => `${o.reason.code}: ${o.reason.message}`), []);
    assert.ok(ok >= 1 && ok <= 20, `${ok} purchases passed the 20/s limit`);
    assert.ok(limited >= RATE_DEVICES - 20, `${limited} refused with RequestLimitExceeded`);
    assert.equal(await h.balanceOf(port, cred), RATE.balance_fen - ok * PRICE, 'only admitted purchases are charged');
    // The refused devices can be bought after the window has passed.
    await new Promise((r) => setTimeout(r, 1100));
    const refused = RATE.devices.filter((d, i) => settled[i].status === 'rejected');
    const res = await h.mnaClient(port, cred).OrderPerLicense({ DeviceId: refused[0].device_id, Type: 0 });
    assert.match(res.ResourceId, /^[0-9a-f-]{36}-0$/);
    assert.equal(await h.balanceOf(port, cred), RATE.balance_fen - (ok + 1) * PRICE);
  });
});

