'use strict';
// mna OrderPerLicense through the official Node SDK: success (Type 0 and
// Type 1), every reachable error code of the API's list, the precedence of
// the checks when two refusals apply at once, and RollBack. Effects are
// observed only through the API: billing DescribeAccountBalance and
// DescribeVoucherInfo, and mna GetDevicePayMode / OrderPerLicense itself.
//
// Fixture: fixtures/purchase-seed.json (license price 30000 fen; one account
// per situation, one device per test that changes it).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const S = h.loadSeed('purchase-seed.json');
const PRICE = S.seed.prices.license_fen;
const RESOURCE_ID_RE = /^[0-9a-f-]{36}-0$/;
const RESOURCE_UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/;

const K = {
  buyer: S.cred('buyer'),
  buyerPayer: S.cred('buyer', 'payer'), // mna:OrderPerLicense, payment allowed
  buyerOps: S.cred('buyer', 'ops'), // mna:*, payment not allowed
  buyerViewer: S.cred('buyer', 'viewer'), // no mna:OrderPerLicense, payment allowed
  globex: S.cred('globex'),
  pauper: S.cred('pauper'), // balance 10000 < price
  pauperOps: S.cred('pauper', 'ops'),
  pauperViewer: S.cred('pauper', 'viewer'),
  unverified: S.cred('unverified'),
  unverifiedOps: S.cred('unverified', 'ops'),
  unverifiedPoor: S.cred('unverifiedpoor'),
  noauth: S.cred('noauth'),
  noauthViewer: S.cred('noauth', 'viewer'),
  frozen: S.cred('frozen'),
  frozenViewer: S.cred('frozen', 'viewer'),
  routerco: S.cred('routerco'),
  routercoOps: S.cred('routerco', 'ops'),
  switchco: S.cred('switchco'),
  poorvendor: S.cred('poorvendor'),
};

describe('OrderPerLicense', () => {
  let server;
  let port;
  const mna = (cred, opts) => h.mnaClient(port, cred, opts);
  // Successful purchases per account, for the closing money check.
  const bought = new Map();
  const owner = new Map();
  for (const a of S.seed.accounts) {
    for (const k of [...a.keys, ...a.sub_users.flatMap((u) => u.keys)]) owner.set(k.secret_id, a.name);
  }
  async function order(cred, req, opts) {
    const res = await mna(cred, opts).OrderPerLicense(req);
    const name = owner.get(cred.secretId);
    bought.set(name, (bought.get(name) || 0) + 1);
    return res;
  }
  // The device exists in the caller's account (GetDevicePayMode answers it).
  async function assertDeviceExists(cred, deviceId) {
    const res = await mna(cred).GetDevicePayMode({ DeviceIdList: [deviceId] });
    assert.equal(res.Result[0].DeviceId, deviceId);
  }
  async function assertDeviceGone(cred, deviceId) {
    await h.expectCode(mna(cred).GetDevicePayMode({ DeviceIdList: [deviceId] }), 'OperationDenied.DeviceNotFound');
    await h.expectCode(order(cred, { DeviceId: deviceId, Type: 0 }), 'OperationDenied.DeviceNotFound');
  }

  before(async () => {
    server = await h.startServer({ seed: S.path });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('success, Type 0', () => {
    it('buys a license for a permanent-license device: ResourceId <uuid>-0, balance drops by the price', async () => {
      const before = await h.moneyOf(port, K.buyer);
      const res = await order(K.buyer, { DeviceId: 'mna-buy0001', Type: 0 });
      assert.match(res.ResourceId, RESOURCE_ID_RE);
      assert.match(res.ResourceId, RESOURCE_UUID_RE);
      h.assertRequestId(res);
      const after = await h.moneyOf(port, K.buyer);
      assert.equal(after.balance, before.balance - PRICE);
      assert.deepEqual(after.vouchers, before.vouchers, 'no voucher is used without AutoVoucher/VoucherIds');

      // A second purchase is refused, names the first license, changes nothing.
      const err = await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-buy0001', Type: 0 }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      assert.ok(err.message.includes('mna-buy0001'), err.message);
      // Also with AutoVoucher (the voucher stays untouched) and from a sub-user.
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-buy0001', Type: 0, AutoVoucher: true }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerPayer, { DeviceId: 'mna-buy0001', Type: 0 }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      await assertDeviceExists(K.buyer, 'mna-buy0001');
    });

    it('lets a sub-user with mna:OrderPerLicense and payment permission buy for the root account', async () => {
      const before = await h.balanceOf(port, K.buyer);
      const res = await order(K.buyerPayer, { DeviceId: 'mna-buy0002', Type: 0, RollBack: false, AutoVoucher: false });
      assert.match(res.ResourceId, RESOURCE_ID_RE);
      assert.equal(await h.balanceOf(port, K.buyer), before - PRICE);
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0002', Type: 0 }), 'OperationDenied.RepeatPurchase',
        { messageIncludes: res.ResourceId });
    });

    it('works over the legacy v1 signature (HmacSHA256, form POST) and over TC3 GET', async () => {
      const before = await h.balanceOf(port, K.buyer);
      const a = await order(K.buyer, { DeviceId: 'mna-buy0008', Type: 0, RollBack: true, AutoVoucher: false },
        { signMethod: 'HmacSHA256' });
      assert.match(a.ResourceId, RESOURCE_ID_RE);
      const b = await order(K.buyer, { DeviceId: 'mna-buy0009', Type: 0, RollBack: false }, { reqMethod: 'GET' });
      assert.match(b.ResourceId, RESOURCE_ID_RE);
      assert.notEqual(a.ResourceId, b.ResourceId);
      assert.equal(await h.balanceOf(port, K.buyer), before - 2 * PRICE);
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0008', Type: 0 }, { signMethod: 'HmacSHA1', reqMethod: 'GET' }),
        'OperationDenied.RepeatPurchase', { messageIncludes: a.ResourceId });
    });
  });

  describe('success and refusals, Type 1 (vendor hardware)', () => {
    it('a vendor buys for its unactivated hardware with LicenseChargingMode 3', async () => {
      const before = await h.moneyOf(port, K.routerco);
      const res = await order(K.routerco, { DeviceId: 'cpe-rc0003', Type: 1 });
      assert.match(res.ResourceId, RESOURCE_ID_RE);
      const after = await h.moneyOf(port, K.routerco);
      assert.equal(after.balance, before.balance - PRICE);
      assert.deepEqual(after.vouchers, before.vouchers);
      await h.expectRefusalUnchanged(port, K.routerco, () => order(K.routerco, { DeviceId: 'cpe-rc0003', Type: 1 }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
    });

    for (const [id, mode] of [['cpe-rc0001', 1], ['cpe-rc0002', 2]]) {
      it(`refuses hardware with LicenseChargingMode ${mode}: OperationDenied`, async () => {
        await h.expectRefusalUnchanged(port, K.routerco,
          () => order(K.routerco, { DeviceId: id, Type: 1, AutoVoucher: true }), 'OperationDenied');
      });
    }

    it('refuses Type 1 from an account that is not a vendor: OperationDenied (even for an unknown id)', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'cpe-rc0003', Type: 1, AutoVoucher: true }), 'OperationDenied');
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'cpe-nosuch0001', Type: 1 }), 'OperationDenied');
      // Its own Type 0 device under Type 1 is not hardware either.
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0010', Type: 1 }), 'OperationDenied');
    });

    it('refuses another vendor\'s hardware, an unknown id and a device id: OperationDenied.DeviceNotFound', async () => {
      for (const id of ['cpe-sw0001', 'cpe-nosuch0001', 'mna-rc0001']) {
        await h.expectRefusalUnchanged(port, K.routerco,
          () => order(K.routerco, { DeviceId: id, Type: 1, AutoVoucher: true }), 'OperationDenied.DeviceNotFound');
      }
      // The other vendor's hardware was not touched: its owner can still buy it.
      const res = await order(K.switchco, { DeviceId: 'cpe-sw0001', Type: 1 });
      assert.match(res.ResourceId, RESOURCE_ID_RE);
    });

    it('refuses Type 0 with a hardware (cpe-) id: OperationDenied.DeviceNotFound', async () => {
      await h.expectRefusalUnchanged(port, K.routerco,
        () => order(K.routerco, { DeviceId: 'cpe-rc0004', Type: 0 }), 'OperationDenied.DeviceNotFound');
    });
  });

  describe('error codes', () => {
    it('InvalidParameter: two VoucherIds', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-buy0010', Type: 0, VoucherIds: ['v-opl-buyer-1', 'v-opl-buyer-2'] }),
        'InvalidParameter');
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0010', Type: 0, VoucherIds: ['v-opl-buyer-1', 'v-opl-buyer-1'] }),
        'InvalidParameter');
    });

    const wrongTypes = [
      ['Type as a string', { DeviceId: 'mna-buy0010', Type: '0' }],
      ['Type with a fraction', { DeviceId: 'mna-buy0010', Type: 0.5 }],
      ['DeviceId as a number', { DeviceId: 12345, Type: 0 }],
      ['RollBack as a string', { DeviceId: 'mna-buy0010', Type: 0, RollBack: 'yes' }],
      ['AutoVoucher as a number', { DeviceId: 'mna-buy0010', Type: 0, AutoVoucher: 1 }],
      ['VoucherIds as a string', { DeviceId: 'mna-buy0010', Type: 0, VoucherIds: 'v-opl-buyer-1' }],
      ['VoucherIds with a number', { DeviceId: 'mna-buy0010', Type: 0, VoucherIds: [7] }],
    ];
    for (const [what, req] of wrongTypes) {
      it(`InvalidParameter: ${what}`, async () => {
        await h.expectRefusalUnchanged(port, K.buyer, () => order(K.buyer, req), 'InvalidParameter');
      });
    }

    it('InvalidParameterValue: Type 2 and Type -1', async () => {
      for (const Type of [2, -1]) {
        await h.expectRefusalUnchanged(port, K.buyer,
          () => order(K.buyer, { DeviceId: 'mna-buy0010', Type }), 'InvalidParameterValue', { messageIncludes: 'Type' });
      }
    });

    it('MissingParameter: Region, DeviceId, Type', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-buy0010', Type: 0 }, { region: '' }), 'MissingParameter',
        { messageIncludes: 'Region' });
      await h.expectCode(order(K.buyer, { Type: 0 }), 'MissingParameter', { messageIncludes: 'DeviceId' });
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0010' }), 'MissingParameter', { messageIncludes: 'Type' });
    });

    it('UnsupportedRegion: a region outside the configured list', async () => {
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0010', Type: 0 }, { region: 'eu-frankfurt' }), 'UnsupportedRegion');
    });

    it('OperationDenied: a device licensed monthly (LicensePayMode 0)', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-buy0003', Type: 0, AutoVoucher: true }), 'OperationDenied');
    });

    it('OperationDenied.DeviceNotFound: an unknown id, another account\'s device', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-nosuch0001', Type: 0, AutoVoucher: true }), 'OperationDenied.DeviceNotFound');
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { DeviceId: 'mna-glx0001', Type: 0, AutoVoucher: true }), 'OperationDenied.DeviceNotFound');
      // globex's device and money are untouched: globex can still buy it.
      const before = await h.moneyOf(port, K.globex);
      await order(K.globex, { DeviceId: 'mna-glx0001', Type: 0 });
      assert.equal(await h.balanceOf(port, K.globex), before.balance - PRICE);
    });

    it('OperationDenied.InsufficientBalance: balance below the price (even with a partial voucher)', async () => {
      await h.expectRefusalUnchanged(port, K.pauper,
        () => order(K.pauper, { DeviceId: 'mna-pau0001', Type: 0 }), 'OperationDenied.InsufficientBalance');
      await h.expectRefusalUnchanged(port, K.pauper,
        () => order(K.pauper, { DeviceId: 'mna-pau0001', Type: 0, AutoVoucher: true }), 'OperationDenied.InsufficientBalance');
      await h.expectRefusalUnchanged(port, K.pauper,
        () => order(K.pauper, { DeviceId: 'mna-pau0001', Type: 0, VoucherIds: ['v-opl-pauper-1'] }),
        'OperationDenied.InsufficientBalance');
      // Without RollBack the device stays.
      await assertDeviceExists(K.pauper, 'mna-pau0001');
    });

    it('OperationDenied.NotAllowedToPay: a sub-user with mna:* but no payment permission', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerOps, { DeviceId: 'mna-buy0004', Type: 0, AutoVoucher: true }), 'OperationDenied.NotAllowedToPay');
      await assertDeviceExists(K.buyer, 'mna-buy0004');
    });

    it('OperationDenied.UnauthorizedUser: an account without identity verification', async () => {
      await h.expectRefusalUnchanged(port, K.unverified,
        () => order(K.unverified, { DeviceId: 'mna-unv0001', Type: 0, AutoVoucher: true }), 'OperationDenied.UnauthorizedUser');
      await assertDeviceExists(K.unverified, 'mna-unv0001');
    });

    it('UnauthorizedOperation: a suspended account', async () => {
      await h.expectCode(order(K.frozen, { DeviceId: 'mna-frz0001', Type: 0 }), 'UnauthorizedOperation');
      // Every action of a suspended account is refused, including reading the balance.
      await h.expectCode(h.billingClient(port, K.frozen).DescribeAccountBalance({}), 'UnauthorizedOperation');
    });

    it('UnauthorizedOperation.NoPermission: an account that has not authorized MNA', async () => {
      await h.expectRefusalUnchanged(port, K.noauth,
        () => order(K.noauth, { DeviceId: 'mna-noa0001', Type: 0, AutoVoucher: true }), 'UnauthorizedOperation.NoPermission');
    });

    it('AuthFailure.UnauthorizedOperation: a sub-user without mna:OrderPerLicense', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerViewer, { DeviceId: 'mna-buy0010', Type: 0, AutoVoucher: true }),
        'AuthFailure.UnauthorizedOperation', { messageIncludes: 'OrderPerLicense' });
    });
  });

  describe('precedence of the checks', () => {
    it('parameters before suspension: a suspended account sending Type 2 gets InvalidParameterValue', async () => {
      await h.expectCode(order(K.frozen, { DeviceId: 'mna-frz0001', Type: 2 }), 'InvalidParameterValue');
    });

    it('suspended (2) before everything else: unverified, unauthorized, unknown device, sub-user without permission', async () => {
      await h.expectCode(order(K.frozen, { DeviceId: 'mna-nosuch0001', Type: 0 }), 'UnauthorizedOperation');
      await h.expectCode(order(K.frozen, { DeviceId: 'cpe-nosuch0001', Type: 1 }), 'UnauthorizedOperation');
      await h.expectCode(order(K.frozenViewer, { DeviceId: 'mna-frz0001', Type: 0 }), 'UnauthorizedOperation');
    });

    it('sub-user permission (3) before service authorization (4)', async () => {
      await h.expectRefusalUnchanged(port, K.noauth,
        () => order(K.noauthViewer, { DeviceId: 'mna-noa0001', Type: 0 }), 'AuthFailure.UnauthorizedOperation');
    });

    it('sub-user permission (3) before the payment permission, balance and device checks', async () => {
      await h.expectRefusalUnchanged(port, K.pauper,
        () => order(K.pauperViewer, { DeviceId: 'mna-nosuch0001', Type: 0 }), 'AuthFailure.UnauthorizedOperation');
    });

    it('NoPermission (4) before DeviceNotFound (5)', async () => {
      await h.expectRefusalUnchanged(port, K.noauth,
        () => order(K.noauth, { DeviceId: 'mna-nosuch0001', Type: 0 }), 'UnauthorizedOperation.NoPermission');
      await h.expectCode(order(K.noauth, { DeviceId: 'cpe-nosuch0001', Type: 1 }), 'UnauthorizedOperation.NoPermission');
    });

    it('DeviceNotFound (5) before UnauthorizedUser (8) and InsufficientBalance (10)', async () => {
      await h.expectCode(order(K.unverifiedPoor, { DeviceId: 'mna-nosuch0001', Type: 0 }), 'OperationDenied.DeviceNotFound');
    });

    it('RepeatPurchase (6) before NotAllowedToPay (9): a sub-user without payment permission on a licensed device', async () => {
      const res = await order(K.buyer, { DeviceId: 'mna-buy0007', Type: 0 });
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerOps, { DeviceId: 'mna-buy0007', Type: 0, RollBack: true }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      await assertDeviceExists(K.buyer, 'mna-buy0007');
    });

    it('OperationDenied (7) before UnauthorizedUser (8) and NotAllowedToPay (9)', async () => {
      await h.expectRefusalUnchanged(port, K.unverified,
        () => order(K.unverified, { DeviceId: 'mna-unv0003', Type: 0 }), 'OperationDenied');
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerOps, { DeviceId: 'mna-buy0003', Type: 0 }), 'OperationDenied');
    });

    it('UnauthorizedUser (8) before InsufficientBalance (10): an unverified account with no money', async () => {
      await h.expectRefusalUnchanged(port, K.unverifiedPoor,
        () => order(K.unverifiedPoor, { DeviceId: 'mna-unp0001', Type: 0 }), 'OperationDenied.UnauthorizedUser');
    });

    it('UnauthorizedUser (8) before NotAllowedToPay (9): a sub-user without payment permission of an unverified account', async () => {
      await h.expectRefusalUnchanged(port, K.unverified,
        () => order(K.unverifiedOps, { DeviceId: 'mna-unv0004', Type: 0 }), 'OperationDenied.UnauthorizedUser');
    });

    it('NotAllowedToPay (9) before InsufficientBalance (10)', async () => {
      await h.expectRefusalUnchanged(port, K.pauper,
        () => order(K.pauperOps, { DeviceId: 'mna-pau0004', Type: 0 }), 'OperationDenied.NotAllowedToPay');
      // The root of the same account gets the balance refusal.
      await h.expectCode(order(K.pauper, { DeviceId: 'mna-pau0004', Type: 0 }), 'OperationDenied.InsufficientBalance');
    });

    it('Type 1: not a vendor (5) before RepeatPurchase/charging mode; DeviceNotFound before charging mode', async () => {
      await h.expectCode(order(K.unverified, { DeviceId: 'cpe-rc0001', Type: 1 }), 'OperationDenied');
      await h.expectCode(order(K.switchco, { DeviceId: 'cpe-rc0001', Type: 1 }), 'OperationDenied.DeviceNotFound');
    });
  });

  describe('RollBack', () => {
    it('UnauthorizedUser (8) with RollBack deletes the device; without it the device stays', async () => {
      await h.expectRefusalUnchanged(port, K.unverified,
        () => order(K.unverified, { DeviceId: 'mna-unv0002', Type: 0, RollBack: true, AutoVoucher: true }),
        'OperationDenied.UnauthorizedUser');
      await assertDeviceGone(K.unverified, 'mna-unv0002');
      // mna-unv0001 was refused without RollBack earlier (and again now): it stays.
      await h.expectCode(order(K.unverified, { DeviceId: 'mna-unv0001', Type: 0, RollBack: false }),
        'OperationDenied.UnauthorizedUser');
      await assertDeviceExists(K.unverified, 'mna-unv0001');
    });

    it('NotAllowedToPay (9) with RollBack deletes the device', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerOps, { DeviceId: 'mna-buy0005', Type: 0, RollBack: true }), 'OperationDenied.NotAllowedToPay');
      await assertDeviceGone(K.buyer, 'mna-buy0005');
      await assertDeviceGone(K.buyerOps, 'mna-buy0005');
      // Without RollBack (mna-buy0004 above) it stays.
      await h.expectCode(order(K.buyerOps, { DeviceId: 'mna-buy0004', Type: 0 }), 'OperationDenied.NotAllowedToPay');
      await assertDeviceExists(K.buyer, 'mna-buy0004');
    });

    it('InsufficientBalance (10) with RollBack deletes the device and changes no money', async () => {
      await h.expectRefusalUnchanged(port, K.pauper,
        () => order(K.pauper, { DeviceId: 'mna-pau0002', Type: 0, RollBack: true, AutoVoucher: true }),
        'OperationDenied.InsufficientBalance');
      await assertDeviceGone(K.pauper, 'mna-pau0002');
      // A deleted device stays deleted for a retried RollBack request too.
      await h.expectCode(order(K.pauper, { DeviceId: 'mna-pau0002', Type: 0, RollBack: true }), 'OperationDenied.DeviceNotFound');
      await assertDeviceExists(K.pauper, 'mna-pau0001');
    });

    it('RollBack never reaches another account\'s device or hardware, nor hardware named under Type 0', async () => {
      // Unverified (8) and poor (10) callers name a device that is not theirs: DeviceNotFound, nothing deleted.
      await h.expectCode(order(K.unverified, { DeviceId: 'mna-glx0001', Type: 0, RollBack: true }), 'OperationDenied.DeviceNotFound');
      await assertDeviceExists(K.globex, 'mna-glx0001');
      await h.expectCode(order(K.pauper, { DeviceId: 'mna-buy0010', Type: 0, RollBack: true }), 'OperationDenied.DeviceNotFound');
      await assertDeviceExists(K.buyer, 'mna-buy0010');
      await h.expectCode(order(K.buyerOps, { DeviceId: 'mna-pau0001', Type: 0, RollBack: true }), 'OperationDenied.DeviceNotFound');
      await assertDeviceExists(K.pauper, 'mna-pau0001');
      // A poor vendor names its own hardware under Type 0, then another vendor's hardware under Type 1.
      await h.expectCode(order(K.poorvendor, { DeviceId: 'cpe-pv0001', Type: 0, RollBack: true }), 'OperationDenied.DeviceNotFound');
      await h.expectCode(order(K.poorvendor, { DeviceId: 'cpe-pv0001', Type: 1 }), 'OperationDenied.InsufficientBalance');
      await h.expectCode(order(K.poorvendor, { DeviceId: 'cpe-rc0001', Type: 1, RollBack: true }), 'OperationDenied.DeviceNotFound');
      await h.expectCode(order(K.routerco, { DeviceId: 'cpe-rc0001', Type: 1 }), 'OperationDenied');
    });

    it('refusals 2-7 with RollBack delete nothing', async () => {
      // 7: monthly device.
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0011', Type: 0, RollBack: true }), 'OperationDenied');
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0011', Type: 0, RollBack: true }), 'OperationDenied');
      await assertDeviceExists(K.buyer, 'mna-buy0011');
      // 3: a sub-user without the action; the root then meets the balance refusal, not DeviceNotFound.
      await h.expectCode(order(K.pauperViewer, { DeviceId: 'mna-pau0003', Type: 0, RollBack: true }),
        'AuthFailure.UnauthorizedOperation');
      await assertDeviceExists(K.pauper, 'mna-pau0003');
      await h.expectCode(order(K.pauper, { DeviceId: 'mna-pau0003', Type: 0 }), 'OperationDenied.InsufficientBalance');
      // 3 on an account with money: the sub-user's refusal deletes nothing and the root can buy.
      await h.expectCode(order(K.buyerViewer, { DeviceId: 'mna-buy0006', Type: 0, RollBack: true }),
        'AuthFailure.UnauthorizedOperation');
      await assertDeviceExists(K.buyer, 'mna-buy0006');
      assert.match((await order(K.buyer, { DeviceId: 'mna-buy0006', Type: 0 })).ResourceId, RESOURCE_ID_RE);
      // 4: service not authorized (GetDevicePayMode still lists the device).
      await h.expectCode(order(K.noauth, { DeviceId: 'mna-noa0001', Type: 0, RollBack: true }),
        'UnauthorizedOperation.NoPermission');
      await assertDeviceExists(K.noauth, 'mna-noa0001');
      // 2: suspended; seen from nowhere but the repeated answer (the account can do nothing).
      await h.expectCode(order(K.frozen, { DeviceId: 'mna-frz0001', Type: 0, RollBack: true }), 'UnauthorizedOperation');
    });

    it('a licensed device with RollBack answers RepeatPurchase and is kept', async () => {
      const res = await order(K.buyer, { DeviceId: 'mna-buy0012', Type: 0 });
      const balance = await h.balanceOf(port, K.buyer);
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0012', Type: 0, RollBack: true }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      await h.expectCode(order(K.buyer, { DeviceId: 'mna-buy0012', Type: 0, RollBack: true, AutoVoucher: true }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      await assertDeviceExists(K.buyer, 'mna-buy0012');
      assert.equal(await h.balanceOf(port, K.buyer), balance);
    });

    it('Type 1: InsufficientBalance with RollBack deletes the hardware; without it the hardware stays', async () => {
      await h.expectRefusalUnchanged(port, K.poorvendor,
        () => order(K.poorvendor, { DeviceId: 'cpe-pv0001', Type: 1 }), 'OperationDenied.InsufficientBalance');
      await h.expectCode(order(K.poorvendor, { DeviceId: 'cpe-pv0001', Type: 1 }), 'OperationDenied.InsufficientBalance');
      await h.expectRefusalUnchanged(port, K.poorvendor,
        () => order(K.poorvendor, { DeviceId: 'cpe-pv0002', Type: 1, RollBack: true }), 'OperationDenied.InsufficientBalance');
      await h.expectCode(order(K.poorvendor, { DeviceId: 'cpe-pv0002', Type: 1 }), 'OperationDenied.DeviceNotFound');
      await h.expectCode(order(K.poorvendor, { DeviceId: 'cpe-pv0001', Type: 1 }), 'OperationDenied.InsufficientBalance');
    });

    it('Type 1: NotAllowedToPay with RollBack deletes the hardware', async () => {
      await h.expectRefusalUnchanged(port, K.routerco,
        () => order(K.routercoOps, { DeviceId: 'cpe-rc0006', Type: 1, RollBack: true }), 'OperationDenied.NotAllowedToPay');
      await h.expectCode(order(K.routerco, { DeviceId: 'cpe-rc0006', Type: 1 }), 'OperationDenied.DeviceNotFound');
    });

    it('Type 1: charging mode 1 with RollBack deletes nothing; licensed hardware with RollBack is kept', async () => {
      await h.expectCode(order(K.routerco, { DeviceId: 'cpe-rc0005', Type: 1, RollBack: true }), 'OperationDenied');
      await h.expectCode(order(K.routerco, { DeviceId: 'cpe-rc0005', Type: 1, RollBack: true }), 'OperationDenied');
      const res = await order(K.routerco, { DeviceId: 'cpe-rc0004', Type: 1 });
      await h.expectRefusalUnchanged(port, K.routerco,
        () => order(K.routerco, { DeviceId: 'cpe-rc0004', Type: 1, RollBack: true }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
      await h.expectCode(order(K.routerco, { DeviceId: 'cpe-rc0004', Type: 1 }),
        'OperationDenied.RepeatPurchase', { messageIncludes: res.ResourceId });
    });
  });

  describe('money', () => {
    it('every account ends with its seeded balance minus its purchases, vouchers untouched', async () => {
      assert.ok(bought.get('buyer') > 0);
      for (const acct of S.seed.accounts) {
        if (acct.suspended) continue; // it can read nothing, and bought nothing
        const cred = S.cred(acct.name);
        const money = await h.moneyOf(port, cred);
        assert.equal(money.balance, acct.balance_fen - (bought.get(acct.name) || 0) * PRICE, `balance of ${acct.name}`);
        const seededVouchers = Object.fromEntries(acct.vouchers.map((v) => [v.voucher_id, { balance: v.balance_fen, status: v.status }]));
        assert.deepEqual(money.vouchers, seededVouchers, `vouchers of ${acct.name}`);
      }
    });
  });
});
