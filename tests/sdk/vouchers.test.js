'use strict';
// Vouchers in OrderPerLicense (AutoVoucher ranking, eligibility, designated
// VoucherIds, partial payment) and the billing voucher actions that show
// their effect: DescribeVoucherInfo and DescribeVoucherUsageDetails.
//
// Fixture: fixtures/voucher-seed.json (license price 10000 fen; one account
// per rule, so each test sees exactly the vouchers it is about).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const S = h.loadSeed('voucher-seed.json');
const PRICE = S.seed.prices.license_fen;
const MICRO = h.MICRO_PER_FEN;
const BILLING_TIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('vouchers', () => {
  let server;
  let port;
  // Devices of each account are bought in seed order, one per purchase.
  const used = new Map();
  function nextDevice(name) {
    const i = used.get(name) || 0;
    const d = S.account(name).devices[i];
    assert.ok(d, `fixture account ${name} has no device #${i + 1} left`);
    used.set(name, i + 1);
    return d.device_id;
  }
  const order = (cred, req) => h.mnaClient(port, cred).OrderPerLicense(req);

  // Buys a license for the account's next device with `req` and asserts the
  // exact money movement: `fromBalance` fen from the account balance and, if
  // `voucher` = [id, fen], that much from that voucher (which becomes `used`
  // at 0); every other voucher unchanged.
  async function buy(name, req, { fromBalance, voucher = null }) {
    const cred = S.cred(name);
    const before = await h.moneyOf(port, cred);
    const deviceId = nextDevice(name);
    const res = await order(cred, { DeviceId: deviceId, Type: 0, ...req });
    assert.match(res.ResourceId, /^[0-9a-f-]{36}-0$/);
    const after = await h.moneyOf(port, cred);
    const want = structuredClone(before);
    want.balance -= fromBalance;
    let fromVoucher = 0;
    if (voucher) {
      const [id, fen] = voucher;
      assert.ok(want.vouchers[id], `voucher ${id} is not listed for ${name}`);
      fromVoucher = fen;
      want.vouchers[id].balance -= fen;
      want.vouchers[id].status = want.vouchers[id].balance === 0 ? 'used' : 'unUsed';
    }
    assert.equal(fromBalance + fromVoucher, PRICE, 'test expectation must add up to the price');
    assert.deepEqual(after, want, `money of ${name} after buying ${deviceId} with ${JSON.stringify(req)}`);
    return res;
  }

  async function usageOf(cred, voucherId, { limit = 1000, page = 1 } = {}) {
    return h.billingClient(port, cred).DescribeVoucherUsageDetails({ Limit: limit, Offset: page, VoucherId: voucherId });
  }

  before(async () => {
    server = await h.startServer({ seed: S.path });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('AutoVoucher ranking (one rule per test)', () => {
    it('1. a voucher that covers the whole order first (over an earlier-ending partial cash voucher)', async () => {
      await buy('rule1', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r1-b', PRICE] });
    });

    it('2. then the earlier EndTime (over a smaller balance, a cash voucher and a smaller id)', async () => {
      await buy('rule2', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r2-b', PRICE] });
    });

    it('2. the earlier EndTime also among partial vouchers (over a larger deductible)', async () => {
      await buy('rule2p', { AutoVoucher: true }, { fromBalance: PRICE - 3000, voucher: ['v-r2p-b', 3000] });
    });

    it('3. then the larger deductible amount (over a smaller balance, a cash voucher and a smaller id)', async () => {
      await buy('rule3', { AutoVoucher: true }, { fromBalance: PRICE - 8000, voucher: ['v-r3-b', 8000] });
    });

    it('4. then the smaller remaining balance (over a cash voucher and a smaller id)', async () => {
      await buy('rule4', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r4-b', PRICE] });
    });

    it('5. then the cash voucher (has_price, over a smaller id)', async () => {
      const cash = await h.billingClient(port, S.cred('rule5')).DescribeVoucherInfo({ Limit: 10, Offset: 1, VoucherMainType: 'has_price' });
      assert.deepEqual(cash.VoucherInfos.map((x) => x.VoucherId), ['v-r5-b']);
      await buy('rule5', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r5-b', PRICE] });
    });

    it('6. then the smaller VoucherId', async () => {
      await buy('rule6', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r6-a', PRICE] });
      // The same choice again on the next purchase (10000 left on each).
      await buy('rule6', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r6-a', PRICE] });
      // v-r6-a is used up now: v-r6-b is the only one left.
      await buy('rule6', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-r6-b', PRICE] });
    });
  });

  describe('eligibility', () => {
    it('never uses an expired, not yet begun, used, cancelled, overdue, other-product, over-threshold or empty voucher', async () => {
      const cred = S.cred('inelig');
      const listed = await h.vouchersOf(port, cred);
      assert.equal(listed['v-in-expired'].status, 'overdue', 'an unUsed voucher past its end shows overdue');
      assert.equal(listed['v-in-future'].status, 'unUsed');
      // The only eligible voucher is a 1000 fen partial one, ranked below every ineligible one.
      await buy('inelig', { AutoVoucher: true }, { fromBalance: PRICE - 1000, voucher: ['v-in-ok', 1000] });
      // Nothing eligible is left: the balance pays everything.
      await buy('inelig', { AutoVoucher: true }, { fromBalance: PRICE });
    });

    for (const id of ['v-in-expired', 'v-in-future', 'v-in-used', 'v-in-cancel', 'v-in-overdue', 'v-in-cvm',
      'v-in-threshold', 'v-in-zero']) {
      it(`silently skips the designated ineligible voucher ${id}`, async () => {
        await buy('inelig', { VoucherIds: [id] }, { fromBalance: PRICE });
      });
    }

    it('uses a voucher whose threshold equals the price', async () => {
      await buy('threq', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-th-eq', PRICE] });
    });
  });

  describe('payment', () => {
    it('a voucher of exactly the price pays everything, leaves the balance untouched and becomes used', async () => {
      await buy('whole', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-wh', PRICE] });
      const v = (await h.vouchersOf(port, S.cred('whole')))['v-wh'];
      assert.equal(v.status, 'used');
      assert.equal(v.balanceMicro, 0);
      const usedOnly = await h.billingClient(port, S.cred('whole')).DescribeVoucherInfo({ Limit: 10, Offset: 1, Status: 'used' });
      assert.deepEqual(usedOnly.VoucherInfos.map((x) => x.VoucherId), ['v-wh']);
      // A used voucher is not chosen again.
      await buy('whole', { AutoVoucher: true }, { fromBalance: PRICE });
      await buy('whole', { VoucherIds: ['v-wh'] }, { fromBalance: PRICE });
    });

    it('a covering voucher with money left stays unUsed with the remainder', async () => {
      const v = (await h.vouchersOf(port, S.cred('rule1')))['v-r1-b'];
      assert.equal(v.status, 'unUsed');
      assert.equal(v.balanceMicro, (20000 - PRICE) * MICRO);
    });

    it('a partial voucher pays its balance and the account pays the rest', async () => {
      await buy('partial', { AutoVoucher: true }, { fromBalance: PRICE - 4000, voucher: ['v-pa', 4000] });
      assert.equal((await h.vouchersOf(port, S.cred('partial')))['v-pa'].status, 'used');
    });

    it('an account without balance buys with a covering voucher; then InsufficientBalance leaves the voucher alone', async () => {
      await buy('nobalance', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-nb', PRICE] });
      const cred = S.cred('nobalance');
      const deviceId = nextDevice('nobalance');
      await h.expectRefusalUnchanged(port, cred, () => order(cred, { DeviceId: deviceId, Type: 0, AutoVoucher: true }),
        'OperationDenied.InsufficientBalance');
      await h.expectRefusalUnchanged(port, cred, () => order(cred, { DeviceId: deviceId, Type: 0, VoucherIds: ['v-nb'] }),
        'OperationDenied.InsufficientBalance');
      const usage = await usageOf(cred, 'v-nb');
      assert.equal(usage.TotalCount, 1, 'only the successful purchase is a usage');
      assert.equal(usage.TotalUsedAmount, PRICE * MICRO);
    });

    it('insufficient balance even with a voucher: InsufficientBalance, voucher untouched', async () => {
      const cred = S.cred('short');
      const deviceId = nextDevice('short');
      for (const req of [{ AutoVoucher: true }, { VoucherIds: ['v-sh'] }, { AutoVoucher: true, VoucherIds: ['v-sh'] }, {}]) {
        await h.expectRefusalUnchanged(port, cred, () => order(cred, { DeviceId: deviceId, Type: 0, ...req }),
          'OperationDenied.InsufficientBalance');
      }
      const v = (await h.vouchersOf(port, cred))['v-sh'];
      assert.equal(v.balance, 5000);
      assert.equal(v.status, 'unUsed');
      const usage = await usageOf(cred, 'v-sh');
      assert.equal(usage.TotalCount, 0);
      assert.equal(usage.TotalUsedAmount, 0);
      assert.deepEqual(usage.UsageRecords, []);
    });
  });

  describe('designated VoucherIds', () => {
    it('without AutoVoucher and VoucherIds no voucher is used (AutoVoucher defaults to false)', async () => {
      await buy('design', {}, { fromBalance: PRICE });
      await buy('design', { AutoVoucher: false, VoucherIds: [] }, { fromBalance: PRICE });
    });

    it('uses the designated eligible voucher, not the one the ranking would pick', async () => {
      await buy('design', { VoucherIds: ['v-d-2'], AutoVoucher: false }, { fromBalance: 0, voucher: ['v-d-2', PRICE] });
    });

    it('uses a designated partial voucher and the balance pays the rest', async () => {
      await buy('design', { VoucherIds: ['v-d-3'] }, { fromBalance: PRICE - 3000, voucher: ['v-d-3', 3000] });
    });

    it('ignores VoucherIds when AutoVoucher is true: the ranking decides', async () => {
      await buy('design', { AutoVoucher: true, VoucherIds: ['v-d-2'] }, { fromBalance: 0, voucher: ['v-d-1', PRICE] });
    });

    it('skips an unknown voucher id without error', async () => {
      await buy('design', { VoucherIds: ['v-nosuch-voucher'] }, { fromBalance: PRICE });
    });

    it('skips its own expired and other-product vouchers without error', async () => {
      await buy('design', { VoucherIds: ['v-d-exp'] }, { fromBalance: PRICE });
    });

    it('skips another account\'s voucher without error and leaves it untouched', async () => {
      const other = S.cred('other');
      const before = await h.moneyOf(port, other);
      await buy('design', { VoucherIds: ['v-ot-1'] }, { fromBalance: PRICE });
      assert.deepEqual(await h.moneyOf(port, other), before);
      // Neither its listing nor its usage is visible to another account.
      const listed = await h.billingClient(port, S.cred('design')).DescribeVoucherInfo({ Limit: 10, Offset: 1, VoucherId: 'v-ot-1' });
      assert.equal(listed.TotalCount, 0);
      assert.deepEqual(listed.VoucherInfos, []);
    });

    it('over the legacy v1 signature (VoucherIds.0 as a form field)', async () => {
      const cred = S.cred('design');
      const before = await h.moneyOf(port, cred);
      const deviceId = nextDevice('design');
      await h.mnaClient(port, cred, { signMethod: 'HmacSHA256' })
        .OrderPerLicense({ DeviceId: deviceId, Type: 0, VoucherIds: ['v-d-cvm'] });
      const after = await h.moneyOf(port, cred);
      assert.equal(after.balance, before.balance - PRICE);
      assert.deepEqual(after.vouchers, before.vouchers);
    });
  });

  describe('billing DescribeVoucherInfo', () => {
    it('lists the caller\'s vouchers in micro with the documented fields', async () => {
      const acct = S.account('other');
      const res = await h.billingClient(port, S.cred('other')).DescribeVoucherInfo({ Limit: 100, Offset: 1 });
      h.assertRequestId(res);
      assert.equal(res.TotalCount, 3);
      assert.equal(res.Unit, 'micro');
      assert.equal(res.TotalBalance, (50000 + 7000 + 2000) * MICRO);
      const byId = Object.fromEntries(res.VoucherInfos.map((x) => [x.VoucherId, x]));
      assert.deepEqual(Object.keys(byId).sort(), ['v-ot-1', 'v-ot-2', 'v-ot-3']);
      const v1 = byId['v-ot-1'];
      assert.equal(String(v1.OwnerUin), acct.uin);
      assert.equal(v1.Status, 'unUsed');
      assert.equal(v1.NominalValue, 60000 * MICRO);
      assert.equal(v1.Balance, 50000 * MICRO);
      assert.match(v1.BeginTime, BILLING_TIME_RE);
      assert.match(v1.EndTime, BILLING_TIME_RE);
      assert.ok(v1.BeginTime.startsWith('2020-01-01'), v1.BeginTime);
      assert.ok(v1.EndTime.startsWith('2099-12-31'), v1.EndTime);
      assert.equal(byId['v-ot-2'].Status, 'overdue');
      assert.equal(byId['v-ot-3'].Status, 'cancel');
    });

    it('filters by Status, VoucherId, VoucherMainType and ProductCode', async () => {
      const c = h.billingClient(port, S.cred('other'));
      const ids = async (req) => {
        const res = await c.DescribeVoucherInfo({ Limit: 100, Offset: 1, ...req });
        assert.equal(res.TotalCount, res.VoucherInfos.length);
        return res.VoucherInfos.map((x) => x.VoucherId).sort();
      };
      assert.deepEqual(await ids({ Status: 'overdue' }), ['v-ot-2']);
      assert.deepEqual(await ids({ Status: 'unUsed' }), ['v-ot-1']);
      assert.deepEqual(await ids({ Status: 'cancel' }), ['v-ot-3']);
      assert.deepEqual(await ids({ VoucherId: 'v-ot-3' }), ['v-ot-3']);
      assert.deepEqual(await ids({ VoucherMainType: 'has_price' }), ['v-ot-1']);
      assert.deepEqual(await ids({ VoucherMainType: 'no_price' }), ['v-ot-2', 'v-ot-3']);
      assert.deepEqual(await ids({ ProductCode: 'mna' }), ['v-ot-1', 'v-ot-2', 'v-ot-3']);
      assert.deepEqual(await ids({ ProductCode: 'cvm' }), []);
    });

    it('pages with Limit and a 1-based page number in Offset', async () => {
      const c = h.billingClient(port, S.cred('other'));
      const p1 = await c.DescribeVoucherInfo({ Limit: 2, Offset: 1, SortField: 'EndTime', SortOrder: 'asc' });
      const p2 = await c.DescribeVoucherInfo({ Limit: 2, Offset: 2, SortField: 'EndTime', SortOrder: 'asc' });
      const p3 = await c.DescribeVoucherInfo({ Limit: 2, Offset: 3, SortField: 'EndTime', SortOrder: 'asc' });
      for (const p of [p1, p2, p3]) assert.equal(p.TotalCount, 3);
      assert.equal(p1.VoucherInfos.length, 2);
      assert.equal(p2.VoucherInfos.length, 1);
      assert.equal(p3.VoucherInfos.length, 0);
      const all = [...p1.VoucherInfos, ...p2.VoucherInfos].map((x) => x.VoucherId);
      assert.deepEqual([...all].sort(), ['v-ot-1', 'v-ot-2', 'v-ot-3']);
      assert.equal(all[0], 'v-ot-2', 'EndTime asc puts the expired voucher first');
      const desc = await c.DescribeVoucherInfo({ Limit: 1, Offset: 1, SortField: 'EndTime', SortOrder: 'desc' });
      assert.deepEqual(desc.VoucherInfos.map((x) => x.VoucherId), ['v-ot-3'], 'EndTime desc puts the latest end first');
    });

    it('requires Limit and Offset and bounds them', async () => {
      const c = h.billingClient(port, S.cred('other'));
      await h.expectCode(c.DescribeVoucherInfo({ Offset: 1 }), 'MissingParameter', { messageIncludes: 'Limit' });
      await h.expectCode(c.DescribeVoucherInfo({ Limit: 10 }), 'MissingParameter', { messageIncludes: 'Offset' });
      await h.expectCode(c.DescribeVoucherInfo({ Limit: 0, Offset: 1 }), 'InvalidParameterValue');
      await h.expectCode(c.DescribeVoucherInfo({ Limit: 1001, Offset: 1 }), 'InvalidParameterValue');
      await h.expectCode(c.DescribeVoucherInfo({ Limit: 10, Offset: 0 }), 'InvalidParameterValue');
      await h.expectCode(c.DescribeVoucherInfo({ Limit: 10, Offset: 1, Status: 'spent' }), 'InvalidParameterValue');
    });
  });

  describe('billing DescribeVoucherUsageDetails', () => {
    it('shows one record per deduction with its amount in micro, oldest first', async () => {
      const cred = S.cred('usage');
      const r1 = await buy('usage', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-us', PRICE] });
      const r2 = await buy('usage', { AutoVoucher: true }, { fromBalance: 0, voucher: ['v-us', PRICE] });
      // 5000 left on each voucher: same end, deductible, balance and type: the smaller id.
      const r3 = await buy('usage', { AutoVoucher: true }, { fromBalance: PRICE - 5000, voucher: ['v-us', 5000] });
      assert.equal(new Set([r1.ResourceId, r2.ResourceId, r3.ResourceId]).size, 3);

      const usage = await usageOf(cred, 'v-us');
      h.assertRequestId(usage);
      assert.equal(usage.TotalCount, 3);
      assert.equal(usage.TotalUsedAmount, 25000 * MICRO);
      assert.deepEqual(usage.UsageRecords.map((r) => r.UsedAmount), [PRICE * MICRO, PRICE * MICRO, 5000 * MICRO]);
      for (const r of usage.UsageRecords) {
        assert.equal(r.VoucherId, 'v-us');
        assert.equal(typeof r.SeqId, 'string');
        assert.ok(r.SeqId.length > 0, 'SeqId is the order id');
        assert.match(r.UsedTime, BILLING_TIME_RE);
      }
      assert.equal(new Set(usage.UsageRecords.map((r) => r.SeqId)).size, 3, 'one order per record');

      // Paging: Limit 2, pages 1 and 2.
      const p1 = await usageOf(cred, 'v-us', { limit: 2, page: 1 });
      const p2 = await usageOf(cred, 'v-us', { limit: 2, page: 2 });
      assert.equal(p1.TotalCount, 3);
      assert.equal(p2.TotalCount, 3);
      assert.deepEqual([...p1.UsageRecords, ...p2.UsageRecords].map((r) => r.SeqId), usage.UsageRecords.map((r) => r.SeqId));

      // The idle voucher has no usage until it is picked.
      assert.equal((await usageOf(cred, 'v-us-idle')).TotalCount, 0);
      await buy('usage', { AutoVoucher: true }, { fromBalance: PRICE - 5000, voucher: ['v-us-idle', 5000] });
      const idle = await usageOf(cred, 'v-us-idle');
      assert.equal(idle.TotalCount, 1);
      assert.equal(idle.TotalUsedAmount, 5000 * MICRO);
      assert.deepEqual(idle.UsageRecords.map((r) => r.UsedAmount), [5000 * MICRO]);
      assert.equal((await usageOf(cred, 'v-us')).TotalCount, 3);
    });

    it('does not show another account\'s voucher usage', async () => {
      const res = await usageOf(S.cred('other'), 'v-us');
      assert.equal(res.TotalCount, 0);
      assert.deepEqual(res.UsageRecords, []);
    });

    it('requires VoucherId, Limit and Offset', async () => {
      const c = h.billingClient(port, S.cred('usage'));
      await h.expectCode(c.DescribeVoucherUsageDetails({ Limit: 10, Offset: 1 }), 'MissingParameter', { messageIncludes: 'VoucherId' });
      await h.expectCode(c.DescribeVoucherUsageDetails({ Offset: 1, VoucherId: 'v-us' }), 'MissingParameter');
      await h.expectCode(c.DescribeVoucherUsageDetails({ Limit: 10, VoucherId: 'v-us' }), 'MissingParameter');
    });
  });

  describe('every account ends with exactly its seeded money minus its purchases', () => {
    it('balance + vouchers + purchases * price == seeded money, for every account', async () => {
      for (const acct of S.seed.accounts) {
        const cred = S.cred(acct.name);
        const money = await h.moneyOf(port, cred);
        const seeded = acct.balance_fen + acct.vouchers.reduce((s, v) => s + v.balance_fen, 0);
        const now = money.balance + Object.values(money.vouchers).reduce((s, v) => s + v.balance, 0);
        const purchases = used.get(acct.name) || 0;
        // Devices taken for refusals (nobalance, short) bought nothing.
        const refused = { nobalance: 1, short: 1 }[acct.name] || 0;
        assert.equal(now + (purchases - refused) * PRICE, seeded, `money of ${acct.name}`);
      }
    });
  });
});
