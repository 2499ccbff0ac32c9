'use strict';
// mna flow packages through the official Node SDK: OrderFlowPackage (tiers,
// device caps, the refusals in their order, vouchers, money), GetFlowPackages
// (FlowPackageInfo, paging, filters), ModifyPackageRenewFlag and
// GetDevicePayMode.
//
// Fixture: fixtures/flow-packages-seed.json — prices 20G 3000 / 50G 6000 /
// 100G 10000 / 500G 40000 fen; "buyer" has 24 devices mna-fp00001..24 (each
// test binds its own), two vouchers, sub-users payer / ops / viewer.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const { assertModel, assertResponse } = require('./models');

const S = h.loadSeed('flow-packages-seed.json');
const PRICES = S.seed.prices.flow_packages_fen;
const TIERS = {
  DEVICE_1_FLOW_20G: { devices: 1, capacity: 20000 },
  DEVICE_2_FLOW_50G: { devices: 2, capacity: 50000 },
  DEVICE_3_FLOW_100G: { devices: 3, capacity: 100000 },
  DEVICE_5_FLOW_500G: { devices: 5, capacity: 500000 },
};
const K = {
  buyer: S.cred('buyer'),
  buyerPayer: S.cred('buyer', 'payer'), // mna:*, may pay
  buyerOps: S.cred('buyer', 'ops'), // mna:*, may not pay
  buyerViewer: S.cred('buyer', 'viewer'), // mna:GetFlowPackages only
  other: S.cred('other'),
  unverified: S.cred('unverified'),
  poor: S.cred('poor'), // 2000 fen
  noauth: S.cred('noauth'),
};
const RESOURCE_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/;
const dev = (i) => `mna-fp${String(i).padStart(5, '0')}`;

describe('flow packages', () => {
  let server;
  let port;
  const mna = (cred, opts) => h.mnaClient(port, cred, opts);

  async function packageInfo(cred, resourceId) {
    const res = await mna(cred).GetFlowPackages({ PageNumber: 1, PageSize: 10, ResourceId: resourceId });
    assertResponse('GetFlowPackages', res);
    assert.equal(res.Total, 1, `exactly one package ${resourceId}`);
    assertModel('FlowPackageInfo', res.PackageList[0]);
    return res.PackageList[0];
  }
  async function payMode(cred, ids) {
    const res = await mna(cred).GetDevicePayMode({ DeviceIdList: ids });
    assertResponse('GetDevicePayMode', res);
    res.Result.forEach((x) => assertModel('DevicePayModeInfo', x));
    assert.deepEqual(res.Result.map((x) => x.DeviceId), ids);
    return res.Result;
  }
  const order = (cred, req, opts) => mna(cred, opts).OrderFlowPackage({ AutoRenewFlag: false, PackageRegion: 0, ...req });

  before(async () => {
    server = await h.startServer({ seed: S.path });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('OrderFlowPackage', () => {
    it('buys each tier with its full device cap: ResourceId <uuid>-0, the tier\'s price, FlowPackageInfo as documented', async () => {
      let next = 1;
      for (const [type, tier] of Object.entries(TIERS)) {
        const devices = [];
        for (let i = 0; i < tier.devices; i++) devices.push(dev(next++));
        const before = await h.moneyOf(port, K.buyer);
        const t0 = Math.floor(Date.now() / 1000);
        const res = await order(K.buyer, { PackageType: type, DeviceList: devices, AutoRenewFlag: type === 'DEVICE_2_FLOW_50G' });
        assertResponse('OrderFlowPackage', res);
        assert.match(res.ResourceId, RESOURCE_ID_RE);
        const after = await h.moneyOf(port, K.buyer);
        assert.equal(after.balance, before.balance - PRICES[type], `${type} costs ${PRICES[type]} fen`);
        assert.deepEqual(after.vouchers, before.vouchers, 'no voucher without AutoVoucher/VoucherIds');

        const p = await packageInfo(K.buyer, res.ResourceId);
        assert.equal(p.ResourceId, res.ResourceId);
        assert.equal(p.AppId, S.account('buyer').app_id);
        assert.equal(p.PackageType, type);
        assert.equal(p.Status, 1, 'in effect from the purchase');
        assert.deepEqual(p.DeviceList, devices);
        assert.equal(p.CapacitySize, tier.capacity, 'capacity in MB');
        assert.equal(p.CapacityRemain, tier.capacity);
        assert.equal(p.CapacityRemainPrecise, tier.capacity);
        assert.equal(p.RenewFlag, type === 'DEVICE_2_FLOW_50G');
        assert.equal(p.TruncFlag, false);
        assert.equal(p.ModifyStatus, 0);
        assert.ok(Math.abs(p.CreateTime - t0) < 60, `CreateTime ${p.CreateTime} is Unix seconds of now`);
        assert.ok(p.ActiveTime <= Math.floor(Date.now() / 1000) && p.ActiveTime >= t0 - 60, `ActiveTime ${p.ActiveTime}`);
        const days = (p.ExpireTime - p.ActiveTime) / 86400;
        assert.ok(days >= 28 && days <= 31, `a package lasts one calendar month, got ${days} days`);

        for (const info of await payMode(K.buyer, devices)) {
          assert.equal(info.PayMode, 1);
          assert.equal(info.ResourceId, res.ResourceId);
          assert.ok(info.PayModeDesc.length > 0);
        }
      }
    });

    it('binds fewer devices than the cap, with FlowTruncFlag, over v1 and GET', async () => {
      const a = await order(K.buyer, { PackageType: 'DEVICE_5_FLOW_500G', DeviceList: [dev(12)], FlowTruncFlag: true },
        { signMethod: 'HmacSHA256' });
      const p = await packageInfo(K.buyer, a.ResourceId);
      assert.deepEqual(p.DeviceList, [dev(12)]);
      assert.equal(p.TruncFlag, true);
      assert.equal(p.RenewFlag, false);
      const b = await order(K.buyer, { PackageType: 'DEVICE_3_FLOW_100G', DeviceList: [dev(13), dev(14)], PackageRegion: 1 },
        { reqMethod: 'GET' });
      assert.deepEqual((await packageInfo(K.buyer, b.ResourceId)).DeviceList, [dev(13), dev(14)]);
    });

    it('refuses more devices than the tier binds: LimitExceeded, money unchanged', async () => {
      const cases = [['DEVICE_1_FLOW_20G', 2], ['DEVICE_2_FLOW_50G', 3], ['DEVICE_3_FLOW_100G', 4], ['DEVICE_5_FLOW_500G', 6]];
      for (const [type, n] of cases) {
        const devices = [];
        for (let i = 0; i < n; i++) devices.push(dev(15 + i));
        await h.expectRefusalUnchanged(port, K.buyer, () => order(K.buyer, { PackageType: type, DeviceList: devices }),
          'LimitExceeded');
      }
      assert.equal((await payMode(K.buyer, [dev(15)]))[0].PayMode, 0);
    });

    it('refuses AutoRenewFlag together with FlowTruncFlag: InvalidParameter', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(15)], AutoRenewFlag: true, FlowTruncFlag: true }),
        'InvalidParameter');
    });

    it('refuses a device named twice: InvalidParameter', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_2_FLOW_50G', DeviceList: [dev(15), dev(15)] }), 'InvalidParameter');
    });

    it('refuses an unknown or another account\'s device: OperationDenied', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_2_FLOW_50G', DeviceList: [dev(15), 'mna-nosuch0001'] }), 'OperationDenied',
        { messageIncludes: 'mna-nosuch0001' });
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: ['mna-fpo0001'] }), 'OperationDenied');
      assert.equal((await payMode(K.other, ['mna-fpo0001']))[0].PayMode, 0);
    });

    it('refuses a device already bound to a package in effect: ResourceInUse', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(1)] }), 'ResourceInUse',
        { messageIncludes: dev(1) });
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_3_FLOW_100G', DeviceList: [dev(16), dev(17), dev(3)] }), 'ResourceInUse');
      assert.equal((await payMode(K.buyer, [dev(16)]))[0].PayMode, 0);
    });

    it('refuses an unverified account (OperationDenied.UnauthorizedUser) after the device checks', async () => {
      await h.expectRefusalUnchanged(port, K.unverified,
        () => order(K.unverified, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: ['mna-fpu0001'] }), 'OperationDenied.UnauthorizedUser');
      await h.expectCode(order(K.unverified, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: ['mna-nosuch0002'] }), 'OperationDenied');
      await h.expectCode(order(K.unverified, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: ['mna-fpu0001', 'mna-fpu0001'] }),
        'InvalidParameter');
    });

    it('refuses a sub-user without payment permission (OperationDenied.NotAllowedToPay); one with it buys', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyerOps, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(18)] }), 'OperationDenied.NotAllowedToPay');
      await h.expectCode(order(K.buyerOps, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(1)] }), 'ResourceInUse');
      await h.expectCode(order(K.buyerViewer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(18)] }),
        'AuthFailure.UnauthorizedOperation');
      const before = await h.balanceOf(port, K.buyer);
      const res = await order(K.buyerPayer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(18)] });
      assert.equal(await h.balanceOf(port, K.buyer), before - PRICES.DEVICE_1_FLOW_20G);
      assert.equal((await packageInfo(K.buyer, res.ResourceId)).AppId, S.account('buyer').app_id);
    });

    it('refuses when the balance cannot pay: OperationDenied.InsufficientBalance; a cheaper tier fits', async () => {
      await h.expectRefusalUnchanged(port, K.poor,
        () => order(K.poor, { PackageType: 'DEVICE_2_FLOW_50G', DeviceList: ['mna-fpp0001'] }), 'OperationDenied.InsufficientBalance');
      assert.equal((await payMode(K.poor, ['mna-fpp0001']))[0].PayMode, 0);
      const list = await mna(K.poor).GetFlowPackages({ PageNumber: 1, PageSize: 10 });
      assert.equal(list.Total, 0);
    });

    it('refuses an account that has not authorized MNA: UnauthorizedOperation.NoPermission', async () => {
      await h.expectCode(order(K.noauth, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: ['mna-fpn0001'] }),
        'UnauthorizedOperation.NoPermission');
    });

    it('uses vouchers by the license rules: AutoVoucher picks one, VoucherIds designates one, two are refused', async () => {
      await h.expectRefusalUnchanged(port, K.buyer,
        () => order(K.buyer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(19)], VoucherIds: ['v-fp-buyer-1', 'v-fp-buyer-2'] }),
        'InvalidParameter');
      // AutoVoucher: the 50000 voucher covers the whole 3000 order and wins.
      let before = await h.moneyOf(port, K.buyer);
      await order(K.buyer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(19)], AutoVoucher: true });
      let after = await h.moneyOf(port, K.buyer);
      assert.equal(after.balance, before.balance);
      assert.equal(after.vouchers['v-fp-buyer-2'].balance, 50000 - PRICES.DEVICE_1_FLOW_20G);
      assert.deepEqual(after.vouchers['v-fp-buyer-1'], before.vouchers['v-fp-buyer-1']);
      // VoucherIds: the 1000 voucher pays 1000 and is used up; the balance pays the rest.
      before = after;
      await order(K.buyer, { PackageType: 'DEVICE_2_FLOW_50G', DeviceList: [dev(20)], VoucherIds: ['v-fp-buyer-1'] });
      after = await h.moneyOf(port, K.buyer);
      assert.equal(after.vouchers['v-fp-buyer-1'].balance, 0);
      assert.equal(after.vouchers['v-fp-buyer-1'].status, 'used');
      assert.equal(after.balance, before.balance - (PRICES.DEVICE_2_FLOW_50G - 1000));
      // A designated voucher that is not usable is skipped: the balance pays.
      before = after;
      await order(K.buyer, { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(21)], VoucherIds: ['v-fp-buyer-1'] });
      after = await h.moneyOf(port, K.buyer);
      assert.equal(after.balance, before.balance - PRICES.DEVICE_1_FLOW_20G);
      assert.deepEqual(after.vouchers, before.vouchers);
    });

    it('checks its parameters (Region required)', async () => {
      const c = mna(K.buyer);
      const ok = { PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [dev(22)], AutoRenewFlag: false, PackageRegion: 0 };
      await h.expectCode(mna(K.buyer, { region: '' }).OrderFlowPackage(ok), 'MissingParameter');
      await h.expectCode(mna(K.buyer, { region: 'ap-nowhere' }).OrderFlowPackage(ok), 'UnsupportedRegion');
      await h.expectCode(c.OrderFlowPackage({ ...ok, PackageType: 'DEVICE_9_FLOW_1T' }), 'InvalidParameterValue');
      await h.expectCode(c.OrderFlowPackage({ ...ok, PackageRegion: 2 }), 'InvalidParameterValue');
      await h.expectCode(c.OrderFlowPackage({ ...ok, DeviceList: [] }), 'InvalidParameterValue');
      for (const f of ['PackageType', 'DeviceList', 'AutoRenewFlag', 'PackageRegion']) {
        const req = { ...ok };
        delete req[f];
        await h.expectCode(c.OrderFlowPackage(req), 'MissingParameter');
      }
      await h.expectCode(c.OrderFlowPackage({ ...ok, AutoRenewFlag: 'no' }), 'InvalidParameter');
      assert.equal((await payMode(K.buyer, [dev(22)]))[0].PayMode, 0);
    });
  });

  describe('GetFlowPackages', () => {
    it('pages through the account\'s packages; Total counts them all', async () => {
      const all = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 100 });
      assertResponse('GetFlowPackages', all);
      assert.equal(all.Total, all.PackageList.length);
      assert.equal(all.Total, 10, 'the 4 tiers, 2 more, the payer\'s and the 3 voucher orders bought above');
      all.PackageList.forEach((p) => assertModel('FlowPackageInfo', p));
      const seen = [];
      for (let page = 1; page <= 4; page++) {
        const res = await mna(K.buyer).GetFlowPackages({ PageNumber: page, PageSize: 3 });
        assert.equal(res.Total, all.Total);
        assert.equal(res.PackageList.length, page < 4 ? 3 : 1);
        seen.push(...res.PackageList.map((p) => p.ResourceId));
      }
      assert.deepEqual(seen.sort(), all.PackageList.map((p) => p.ResourceId).sort());
      const beyond = await mna(K.buyer).GetFlowPackages({ PageNumber: 5, PageSize: 3 });
      assert.deepEqual(beyond.PackageList, []);
      assert.equal(beyond.Total, all.Total);
    });

    it('a page far beyond the end is empty even when PageNumber × PageSize passes 2^63; PageSize is at most 100', async () => {
      const res = await mna(K.buyer).GetFlowPackages({ PageNumber: 2 ** 62, PageSize: 100 });
      await h.expectCode(mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 101 }), 'InvalidParameter');
      assert.equal(res.Total, 10);
      assert.deepEqual(res.PackageList.map((p) => p.ResourceId), [], 'page 2^62 of size 100 lies past the 10 packages');
    });

    it('filters by ResourceId, DeviceId and Status', async () => {
      const byDevice = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: dev(4) });
      assert.equal(byDevice.Total, 1);
      assert.equal(byDevice.PackageList[0].PackageType, 'DEVICE_3_FLOW_100G');
      assert.ok(byDevice.PackageList[0].DeviceList.includes(dev(4)));
      const rid = byDevice.PackageList[0].ResourceId;
      const byBoth = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: dev(4), ResourceId: rid });
      assert.equal(byBoth.Total, 1);
      const mismatch = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: dev(1), ResourceId: rid });
      assert.equal(mismatch.Total, 0);
      assert.deepEqual(mismatch.PackageList, []);
      const unbound = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: dev(24) });
      assert.equal(unbound.Total, 0);
      const unknown = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, ResourceId: 'nosuch-0' });
      assert.equal(unknown.Total, 0);
      const total = (await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 1 })).Total;
      assert.equal((await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 100, Status: 1 })).Total, total);
      assert.equal((await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 100, Status: 0 })).Total, 0);
      assert.equal((await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 100, Status: 2 })).Total, 0);
    });

    it('shows only the caller\'s packages; a sub-user sees the root account\'s', async () => {
      const other = await mna(K.other).GetFlowPackages({ PageNumber: 1, PageSize: 10 });
      assert.equal(other.Total, 0);
      assert.deepEqual(other.PackageList, []);
      const rid = (await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 1 })).PackageList[0].ResourceId;
      assert.equal((await mna(K.other).GetFlowPackages({ PageNumber: 1, PageSize: 10, ResourceId: rid })).Total, 0);
      const viaViewer = await mna(K.buyerViewer).GetFlowPackages({ PageNumber: 1, PageSize: 100 });
      assert.equal(viaViewer.Total, (await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 1 })).Total);
    });

    it('refuses PageNumber or PageSize below 1 (InvalidParameter), a bad Status, a missing Region', async () => {
      const c = mna(K.buyer);
      await h.expectCode(c.GetFlowPackages({ PageNumber: 0, PageSize: 10 }), 'InvalidParameter');
      await h.expectCode(c.GetFlowPackages({ PageNumber: 1, PageSize: 0 }), 'InvalidParameter');
      await h.expectCode(c.GetFlowPackages({ PageNumber: -1, PageSize: -1 }), 'InvalidParameter');
      await h.expectCode(c.GetFlowPackages({ PageNumber: 1, PageSize: 10, Status: 3 }), 'InvalidParameterValue');
      await h.expectCode(c.GetFlowPackages({ PageNumber: 1 }), 'MissingParameter');
      await h.expectCode(mna(K.buyer, { region: '' }).GetFlowPackages({ PageNumber: 1, PageSize: 10 }), 'MissingParameter');
    });
  });

  describe('ModifyPackageRenewFlag', () => {
    async function ridOf(deviceId) {
      const res = await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: deviceId });
      assert.equal(res.Total, 1);
      return res.PackageList[0].ResourceId;
    }

    it('turns auto-renewal on and off; GetFlowPackages shows it', async () => {
      const rid = await ridOf(dev(1)); // 20G, RenewFlag false
      assertResponse('ModifyPackageRenewFlag', await mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: true }));
      assert.equal((await packageInfo(K.buyer, rid)).RenewFlag, true);
      await mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: true });
      assert.equal((await packageInfo(K.buyer, rid)).RenewFlag, true, 'idempotent');
      await mna(K.buyerPayer).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: false });
      const p = await packageInfo(K.buyer, rid);
      assert.equal(p.RenewFlag, false);
      assert.equal(p.TruncFlag, false);
      assert.equal(p.ModifyStatus, 0);
    });

    it('refuses RenewFlag true on a truncating package: OperationDenied.TruncFlagOn; false is accepted', async () => {
      const rid = await ridOf(dev(12)); // FlowTruncFlag true
      await h.expectCode(mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: true }), 'OperationDenied.TruncFlagOn');
      assert.equal((await packageInfo(K.buyer, rid)).RenewFlag, false);
      await mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: false });
      const p = await packageInfo(K.buyer, rid);
      assert.equal(p.RenewFlag, false);
      assert.equal(p.TruncFlag, true);
    });

    it('refuses an unknown or another account\'s package: ResourceNotFound', async () => {
      await h.expectCode(mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: 'nosuch-0', RenewFlag: true }), 'ResourceNotFound');
      const rid = await ridOf(dev(2));
      await h.expectCode(mna(K.other).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: false }), 'ResourceNotFound');
      assert.equal((await packageInfo(K.buyer, rid)).RenewFlag, true, 'the 50G package keeps its auto-renewal');
    });

    it('checks its parameters (Region required)', async () => {
      const rid = await ridOf(dev(1));
      await h.expectCode(mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: rid }), 'MissingParameter');
      await h.expectCode(mna(K.buyer).ModifyPackageRenewFlag({ RenewFlag: true }), 'MissingParameter');
      await h.expectCode(mna(K.buyer).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: 1 }), 'InvalidParameter');
      await h.expectCode(mna(K.buyer, { region: '' }).ModifyPackageRenewFlag({ ResourceId: rid, RenewFlag: true }),
        'MissingParameter');
      assert.equal((await packageInfo(K.buyer, rid)).RenewFlag, false);
    });
  });

  describe('GetDevicePayMode', () => {
    it('PayMode 1 with the ResourceId for a device bound to a package in effect, 0 and "" otherwise, in request order', async () => {
      const rid = (await mna(K.buyer).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: dev(7) })).PackageList[0].ResourceId;
      const result = await payMode(K.buyer, [dev(23), dev(7), dev(24), dev(8)]);
      assert.deepEqual(result.map((x) => [x.PayMode, x.ResourceId]), [[0, ''], [1, rid], [0, ''], [1, rid]]);
      assert.notEqual(result[0].PayModeDesc, result[1].PayModeDesc);
    });

    it('refuses a device that is not the caller\'s: OperationDenied.DeviceNotFound', async () => {
      await h.expectCode(mna(K.buyer).GetDevicePayMode({ DeviceIdList: [dev(1), 'mna-fpo0001'] }), 'OperationDenied.DeviceNotFound');
      await h.expectCode(mna(K.buyer).GetDevicePayMode({ DeviceIdList: [] }), 'InvalidParameterValue');
      await h.expectCode(mna(K.buyer, { region: '' }).GetDevicePayMode({ DeviceIdList: [dev(1)] }), 'MissingParameter');
    });
  });
});
