'use strict';
// mna vendor-hardware actions through the official Node SDK: AddHardware,
// UpdateHardware, GetVendorHardware, GetHardwareInfo, ActivateHardware,
// GetHardwareList, and how activation sets LicensePayMode / Payer and meets
// OrderPerLicense.
//
// Fixture: fixtures/hardware-seed.json — vendors routerco (writes), switchco
// (holds an SN equal to one of routerco's) and pagerco (5 items, read only);
// tenants "tenant" and "tenant2".

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const { assertModel, assertResponse } = require('./models');

const S = h.loadSeed('hardware-seed.json');
const PRICE = S.seed.prices.license_fen;
const K = {
  routerco: S.cred('routerco'),
  routercoOps: S.cred('routerco', 'ops'), // mna:*
  routercoReader: S.cred('routerco', 'reader'), // mna:GetVendorHardware
  switchco: S.cred('switchco'),
  pagerco: S.cred('pagerco'),
  tenant: S.cred('tenant'),
  tenant2: S.cred('tenant2'),
};
const HARDWARE_ID_RE = /^cpe-[0-9a-z]{10}$/;
const DEVICE_ID_RE = /^mna-[0-9a-z]{10}$/;
const RESOURCE_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/;
const PAGER = S.account('pagerco').hardware;

describe('vendor hardware actions', () => {
  let server;
  let port;
  const mna = (cred, opts) => h.mnaClient(port, cred, opts);

  // Every hardware item of the vendor, keyed by SN.
  async function vendorHardware(cred, extra = {}) {
    const out = new Map();
    for (let page = 1; ; page++) {
      const res = await mna(cred).GetVendorHardware({ PageNumber: page, PageSize: 50, ...extra });
      assertResponse('GetVendorHardware', res);
      for (const v of res.VendorHardware) {
        assertModel('VendorHardware', v);
        assert.ok(!out.has(v.SN), `SN ${v.SN} listed twice`);
        out.set(v.SN, v);
      }
      if (page >= res.TotalPage) {
        assert.equal(out.size, res.Length);
        return out;
      }
    }
  }
  async function hardwareInfo(cred, vendor, sn) {
    const res = await mna(cred).GetHardwareInfo({ Vendor: vendor, SN: sn });
    assertResponse('GetHardwareInfo', res);
    assert.equal(res.Vendor, vendor);
    assert.equal(res.SN, sn);
    return res;
  }
  async function baseInfo(cred, deviceId) {
    const res = await mna(cred).GetDevice({ DeviceId: deviceId });
    assertResponse('GetDevice', res);
    return res.DeviceDetails.DeviceBaseInfo;
  }
  async function deviceNames(cred) {
    const res = await mna(cred).GetDevices({ PageNumber: -1, PageSize: -1 });
    return res.DeviceInfos.map((d) => d.DeviceName).sort();
  }
  async function addOne(sn, mode, description) {
    const res = await mna(K.routerco).AddHardware({ Hardware: [{ SN: sn, LicenseChargingMode: mode, Description: description }] });
    return res.Hardware[0].HardwareId;
  }

  before(async () => {
    server = await h.startServer({ seed: S.path });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('AddHardware', () => {
    it('registers a batch: each item echoed with a fresh cpe- HardwareId, listed unactivated', async () => {
      const t0 = Math.floor(Date.now() / 1000);
      const res = await mna(K.routerco).AddHardware({
        Hardware: [
          { SN: 'RC-ADD-1', LicenseChargingMode: 1, Description: 'tenant pays' },
          { SN: 'RC-ADD-2', LicenseChargingMode: 2, Description: 'vendor monthly' },
          { SN: 'RC-ADD-3', LicenseChargingMode: 3 },
        ],
      });
      assertResponse('AddHardware', res);
      assert.equal(res.Hardware.length, 3);
      res.Hardware.forEach((hw) => {
        assertModel('Hardware', hw);
        assert.match(hw.HardwareId, HARDWARE_ID_RE);
      });
      assert.deepEqual(res.Hardware.map((x) => [x.SN, x.LicenseChargingMode, x.Description]),
        [['RC-ADD-1', 1, 'tenant pays'], ['RC-ADD-2', 2, 'vendor monthly'], ['RC-ADD-3', 3, '']]);
      assert.equal(new Set(res.Hardware.map((x) => x.HardwareId)).size, 3);

      const listed = await vendorHardware(K.routerco);
      const expect = { 'RC-ADD-1': [1, -1, 0], 'RC-ADD-2': [2, 0, 1], 'RC-ADD-3': [3, 1, 1] };
      for (const hw of res.Hardware) {
        const v = listed.get(hw.SN);
        assert.ok(v, `${hw.SN} must be listed`);
        assert.equal(v.HardwareId, hw.HardwareId);
        assert.equal(v.Status, 1, 'not yet activated');
        assert.equal(v.DeviceId, '');
        assert.equal(v.Description, hw.Description);
        const [mode, payMode, payer] = expect[hw.SN];
        assert.equal(v.LicenseChargingMode, mode);
        assert.equal(v.LicensePayMode, payMode, `${hw.SN} LicensePayMode`);
        assert.equal(v.Payer, payer, `${hw.SN} Payer`);
        assert.match(v.CreateTime, /^\d+$/);
        assert.ok(Math.abs(Number(v.CreateTime) - t0) < 60, `CreateTime ${v.CreateTime} is Unix seconds of now`);
      }
    });

    it('refuses a non-vendor account: OperationDenied.VendorNotRegister', async () => {
      await h.expectCode(mna(K.tenant).AddHardware({ Hardware: [{ SN: 'TEN-1', LicenseChargingMode: 1 }] }),
        'OperationDenied.VendorNotRegister');
      await h.expectCode(mna(K.tenant).GetVendorHardware({ PageNumber: 1, PageSize: 10 }), 'OperationDenied.VendorNotRegister');
      await h.expectCode(mna(K.tenant).UpdateHardware({ HardwareId: 'cpe-rcseed0001', Description: 'x' }),
        'OperationDenied.VendorNotRegister');
    });

    it('refuses an SN the vendor already has, all or nothing: OperationDenied.DuplicateSN', async () => {
      const before = await vendorHardware(K.routerco);
      const err = await h.expectCode(mna(K.routerco).AddHardware({
        Hardware: [{ SN: 'RC-DUP-NEW', LicenseChargingMode: 1 }, { SN: 'RC-SEED-1', LicenseChargingMode: 3 }],
      }), 'OperationDenied.DuplicateSN');
      assert.ok(err.message.includes('RC-SEED-1'), err.message);
      const after = await vendorHardware(K.routerco);
      assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'the new SN of the refused batch is not created');
    });

    it('refuses an SN twice in one request: OperationDenied.DuplicateSN, none created', async () => {
      const before = await vendorHardware(K.routerco);
      await h.expectCode(mna(K.routerco).AddHardware({
        Hardware: [{ SN: 'RC-TWICE', LicenseChargingMode: 1 }, { SN: 'RC-TWICE-OK', LicenseChargingMode: 1 },
          { SN: 'RC-TWICE', LicenseChargingMode: 2 }],
      }), 'OperationDenied.DuplicateSN');
      assert.equal((await vendorHardware(K.routerco)).size, before.size);
    });

    it('allows an SN another vendor uses', async () => {
      const res = await mna(K.routerco).AddHardware({ Hardware: [{ SN: 'SW-0002', LicenseChargingMode: 1 }] });
      assert.match(res.Hardware[0].HardwareId, HARDWARE_ID_RE);
      assert.equal((await vendorHardware(K.switchco)).get('SW-0002').HardwareId, 'cpe-swseed0002');
    });

    it('checks its parameters', async () => {
      const c = mna(K.routerco);
      await h.expectCode(c.AddHardware({}), 'MissingParameter');
      await h.expectCode(c.AddHardware({ Hardware: [] }), 'InvalidParameterValue');
      await h.expectCode(c.AddHardware({ Hardware: [{ LicenseChargingMode: 1 }] }), 'MissingParameter');
      await h.expectCode(c.AddHardware({ Hardware: [{ SN: 'RC-P-1' }] }), 'MissingParameter');
      await h.expectCode(c.AddHardware({ Hardware: [{ SN: 'RC-P-1', LicenseChargingMode: 4 }] }), 'InvalidParameterValue');
      await h.expectCode(c.AddHardware({ Hardware: [{ SN: 'RC-P-1', LicenseChargingMode: 0 }] }), 'InvalidParameterValue');
      await h.expectCode(c.AddHardware({ Hardware: [{ SN: '', LicenseChargingMode: 1 }] }), 'InvalidParameterValue');
      await h.expectCode(c.AddHardware({ Hardware: [{ SN: 'RC-P-1', LicenseChargingMode: 1, Colour: 'x' }] }), 'UnknownParameter');
      assert.ok(!(await vendorHardware(K.routerco)).has('RC-P-1'));
    });
  });

  describe('UpdateHardware', () => {
    it('changes the SN and the description; GetVendorHardware and GetHardwareInfo follow', async () => {
      const res = await mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-rcseed0004', SN: 'RC-UPD-1B', Description: 'renamed' });
      assertResponse('UpdateHardware', res);
      const listed = await vendorHardware(K.routerco);
      assert.ok(!listed.has('RC-UPD-1'));
      assert.equal(listed.get('RC-UPD-1B').HardwareId, 'cpe-rcseed0004');
      assert.equal(listed.get('RC-UPD-1B').Description, 'renamed');
      await hardwareInfo(K.tenant, 'routerco', 'RC-UPD-1B');
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ Vendor: 'routerco', SN: 'RC-UPD-1' }), 'OperationDenied.HardwareNotExist');
      // Description alone; the SN stays.
      await mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-rcseed0004', Description: '' });
      assert.equal((await vendorHardware(K.routerco)).get('RC-UPD-1B').Description, '');
      // Its own SN again is no conflict.
      await mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-rcseed0004', SN: 'RC-UPD-1B' });
    });

    it('refuses an SN another of the vendor\'s items holds: OperationDenied.DuplicateSN, nothing changed', async () => {
      await h.expectCode(mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-rcseed0005', SN: 'RC-SEED-2', Description: 'no' }),
        'OperationDenied.DuplicateSN');
      const v = (await vendorHardware(K.routerco)).get('RC-UPD-2');
      assert.equal(v.HardwareId, 'cpe-rcseed0005');
      assert.equal(v.Description, 'update conflict');
    });

    it('refuses an unknown or another vendor\'s HardwareId: InvalidParameterValue', async () => {
      await h.expectCode(mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-nosuch0001', Description: 'x' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-swseed0001', Description: 'x' }), 'InvalidParameterValue');
      assert.equal((await vendorHardware(K.switchco)).get('RC-SEED-1').Description, 'same SN as routerco');
      await h.expectCode(mna(K.routerco).UpdateHardware({ Description: 'x' }), 'MissingParameter');
      await h.expectCode(mna(K.routerco).UpdateHardware({ HardwareId: 'cpe-rcseed0005', SN: '' }), 'InvalidParameterValue');
    });
  });

  describe('GetVendorHardware', () => {
    it('pages through the vendor\'s items with Length and TotalPage', async () => {
      const seen = [];
      for (let page = 1; page <= 3; page++) {
        const res = await mna(K.pagerco).GetVendorHardware({ PageNumber: page, PageSize: 2 });
        assertResponse('GetVendorHardware', res);
        assert.equal(res.Length, 5);
        assert.equal(res.TotalPage, 3);
        assert.equal(res.VendorHardware.length, page < 3 ? 2 : 1);
        seen.push(...res.VendorHardware.map((v) => v.HardwareId));
      }
      assert.deepEqual(seen.sort(), PAGER.map((x) => x.hardware_id).sort());
      const beyond = await mna(K.pagerco).GetVendorHardware({ PageNumber: 9, PageSize: 2 });
      assert.deepEqual(beyond.VendorHardware, []);
      assert.equal(beyond.Length, 5);
      const all = await vendorHardware(K.pagerco);
      for (const seeded of PAGER) {
        const v = all.get(seeded.sn);
        assert.equal(v.HardwareId, seeded.hardware_id);
        assert.equal(v.LicenseChargingMode, seeded.license_charging_mode);
        assert.equal(v.Description, seeded.description);
        assert.equal(v.Status, 1);
        assert.equal(v.Payer, seeded.license_charging_mode === 1 ? 0 : 1);
        assert.equal(v.LicensePayMode, { 1: -1, 2: 0, 3: 1 }[seeded.license_charging_mode]);
      }
    });

    it('filters by Keyword (SN, HardwareId, description) and by Status', async () => {
      const bySn = await mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: 'PG-0003' });
      assert.deepEqual(bySn.VendorHardware.map((v) => v.SN), ['PG-0003']);
      assert.equal(bySn.Length, 1);
      const byId = await mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: 'pgseed0005' });
      assert.deepEqual(byId.VendorHardware.map((v) => v.SN), ['PG-0005']);
      const byText = await mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: 'blue' });
      assert.deepEqual(byText.VendorHardware.map((v) => v.SN).sort(), ['PG-0003', 'PG-0004']);
      const none = await mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: 'nothing' });
      assert.equal(none.Length, 0);
      assert.equal(none.TotalPage, 0);
      const unactivated = await mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Status: 1 });
      assert.equal(unactivated.Length, 5);
      const activated = await mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Status: 2 });
      assert.equal(activated.Length, 0);
      assert.deepEqual(activated.VendorHardware, []);
    });

    it('lists only the caller vendor\'s items; a sub-user with the grant reads the root account\'s', async () => {
      const sw = await vendorHardware(K.switchco);
      assert.deepEqual([...sw.keys()].sort(), ['RC-SEED-1', 'SW-0002']);
      assert.equal(sw.get('RC-SEED-1').HardwareId, 'cpe-swseed0001');
      const viaSub = await mna(K.routercoReader).GetVendorHardware({ PageNumber: 1, PageSize: 100 });
      assert.ok(viaSub.VendorHardware.some((v) => v.HardwareId === 'cpe-rcseed0001'));
      await h.expectCode(mna(K.routercoReader).AddHardware({ Hardware: [{ SN: 'RC-SUB', LicenseChargingMode: 1 }] }),
        'AuthFailure.UnauthorizedOperation');
    });

    it('a page far beyond the end is empty even when PageNumber × PageSize passes 2^63; PageSize is at most 100', async () => {
      const res = await mna(K.pagerco).GetVendorHardware({ PageNumber: 2 ** 62, PageSize: 100 });
      await h.expectCode(mna(K.pagerco).GetVendorHardware({ PageNumber: 1, PageSize: 101 }), 'InvalidParameterValue');
      assert.equal(res.Length, 5);
      assert.deepEqual(res.VendorHardware.map((v) => v.SN), [], 'page 2^62 of size 100 lies past the 5 items');
    });

    it('refuses bad paging and Status', async () => {
      const c = mna(K.pagerco);
      await h.expectCode(c.GetVendorHardware({ PageNumber: 0, PageSize: 10 }), 'InvalidParameterValue');
      await h.expectCode(c.GetVendorHardware({ PageNumber: 1, PageSize: 0 }), 'InvalidParameterValue');
      await h.expectCode(c.GetVendorHardware({ PageNumber: -1, PageSize: -1 }), 'InvalidParameterValue');
      await h.expectCode(c.GetVendorHardware({ PageNumber: 1, PageSize: 10, Status: 3 }), 'InvalidParameterValue');
      await h.expectCode(c.GetVendorHardware({ PageSize: 10 }), 'MissingParameter');
    });
  });

  describe('GetHardwareInfo', () => {
    it('answers any account with the license mode and payer of a vendor\'s SN', async () => {
      for (const [sn, payMode, payer] of [['RC-SEED-1', 1, 1], ['RC-SEED-2', 0, 1], ['RC-SEED-3', -1, 0]]) {
        const res = await hardwareInfo(K.tenant, 'routerco', sn);
        assert.equal(res.LicensePayMode, payMode, `${sn} LicensePayMode`);
        assert.equal(res.Payer, payer, `${sn} Payer`);
      }
      // The same SN under another vendor is another item.
      const sw = await hardwareInfo(K.tenant2, 'switchco', 'RC-SEED-1');
      assert.equal(sw.LicensePayMode, -1);
      assert.equal(sw.Payer, 0);
    });

    it('refuses an unknown SN or vendor: OperationDenied.HardwareNotExist', async () => {
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ Vendor: 'routerco', SN: 'RC-NOSUCH' }), 'OperationDenied.HardwareNotExist');
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ Vendor: 'nosuchvendor', SN: 'RC-SEED-1' }), 'OperationDenied.HardwareNotExist');
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ Vendor: 'switchco', SN: 'RC-SEED-2' }), 'OperationDenied.HardwareNotExist');
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ Vendor: 'routerco' }), 'MissingParameter');
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ SN: 'RC-SEED-1' }), 'MissingParameter');
    });
  });

  describe('ActivateHardware', () => {
    it('tenant-paid hardware (mode 1) with LicensePayMode 1: a permanent device the tenant pays, then buys', async () => {
      await addOne('RC-ACT-T1', 1, 'vendor remark');
      const res = await mna(K.tenant).ActivateHardware({
        Hardware: [{
          Vendor: 'routerco', SN: 'RC-ACT-T1', DeviceName: 'act-t1', Description: 'tenant remark',
          AccessScope: 1, LicensePayMode: 1, FlowTrunc: 1,
        }],
      });
      assertResponse('ActivateHardware', res);
      assert.equal(res.HardwareInfo.length, 1);
      const item = res.HardwareInfo[0];
      assertModel('ActivateHardware', item);
      assert.match(item.DeviceId, DEVICE_ID_RE);
      assert.equal(item.Vendor, 'routerco');
      assert.equal(item.SN, 'RC-ACT-T1');
      assert.equal(item.DeviceName, 'act-t1');
      assert.equal(item.Description, 'tenant remark');
      assert.equal(item.AccessScope, 1);
      assert.equal(item.LicensePayMode, 1);
      assert.equal(item.FlowTrunc, 1);
      assert.ok(item.DataKey.length > 0);

      const info = await baseInfo(K.tenant, item.DeviceId);
      assertModel('DeviceBaseInfo', info);
      assert.equal(info.DeviceName, 'act-t1');
      assert.equal(info.Remark, 'tenant remark');
      assert.equal(info.LicensePayMode, 1);
      assert.equal(info.Payer, 0, 'the tenant pays');
      assert.equal(info.Sn, 'RC-ACT-T1');
      assert.equal(info.Vendor, 'routerco');
      assert.equal(info.AccessScope, 1);
      assert.equal(info.FlowTrunc, 1);

      const hi = await hardwareInfo(K.tenant2, 'routerco', 'RC-ACT-T1');
      assert.equal(hi.LicensePayMode, 1, 'decided by the activation');
      assert.equal(hi.Payer, 0);
      const v = (await vendorHardware(K.routerco)).get('RC-ACT-T1');
      assert.equal(v.Status, 2);
      assert.equal(v.DeviceId, item.DeviceId);
      assert.equal(v.LicensePayMode, 1);
      assert.equal(v.Payer, 0);
      assert.equal(v.Description, 'vendor remark', 'the vendor keeps its own remark');
      assert.ok(Number(v.ActiveTime) > 0, `ActiveTime ${v.ActiveTime}`);

      // The tenant buys the permanent license of its device.
      const before = await h.balanceOf(port, K.tenant);
      const bought = await mna(K.tenant).OrderPerLicense({ DeviceId: item.DeviceId, Type: 0 });
      assert.match(bought.ResourceId, RESOURCE_ID_RE);
      assert.equal(await h.balanceOf(port, K.tenant), before - PRICE);
    });

    it('tenant-paid hardware without LicensePayMode: monthly (0); the tenant cannot buy a permanent license', async () => {
      await addOne('RC-ACT-T0', 1);
      const res = await mna(K.tenant).ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-ACT-T0', DeviceName: 'act-t0' }] });
      const item = res.HardwareInfo[0];
      assert.equal(item.LicensePayMode, 0);
      assert.equal(item.AccessScope, 0);
      assert.equal(item.FlowTrunc, 0);
      const info = await baseInfo(K.tenant, item.DeviceId);
      assert.equal(info.LicensePayMode, 0);
      assert.equal(info.Payer, 0);
      assert.equal((await hardwareInfo(K.tenant, 'routerco', 'RC-ACT-T0')).LicensePayMode, 0);
      await h.expectRefusalUnchanged(port, K.tenant,
        () => mna(K.tenant).OrderPerLicense({ DeviceId: item.DeviceId, Type: 0 }), 'OperationDenied');
    });

    it('vendor-monthly hardware (mode 2): LicensePayMode 0, Payer vendor, whatever the tenant asks', async () => {
      await addOne('RC-ACT-V2', 2);
      const res = await mna(K.tenant).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-ACT-V2', DeviceName: 'act-v2', LicensePayMode: 1 }],
      });
      const item = res.HardwareInfo[0];
      assert.equal(item.LicensePayMode, 0);
      const info = await baseInfo(K.tenant, item.DeviceId);
      assert.equal(info.LicensePayMode, 0);
      assert.equal(info.Payer, 1, 'the vendor pays');
      const hi = await hardwareInfo(K.tenant, 'routerco', 'RC-ACT-V2');
      assert.equal(hi.LicensePayMode, 0);
      assert.equal(hi.Payer, 1);
      await h.expectRefusalUnchanged(port, K.tenant,
        () => mna(K.tenant).OrderPerLicense({ DeviceId: item.DeviceId, Type: 0 }), 'OperationDenied');
    });

    it('vendor-permanent hardware (mode 3) the vendor never licensed: LicensePayMode 1, Payer vendor; the tenant cannot buy it', async () => {
      const res = await mna(K.tenant).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-1', DeviceName: 'act-v3', LicensePayMode: 0 }],
      });
      const item = res.HardwareInfo[0];
      assert.equal(item.LicensePayMode, 1);
      const info = await baseInfo(K.tenant, item.DeviceId);
      assert.equal(info.LicensePayMode, 1);
      assert.equal(info.Payer, 1);
      assert.equal(info.Sn, 'RC-SEED-1');
      assert.equal(info.Vendor, 'routerco');
      await h.expectRefusalUnchanged(port, K.tenant,
        () => mna(K.tenant).OrderPerLicense({ DeviceId: item.DeviceId, Type: 0 }), 'OperationDenied',
        { messageIncludes: 'vendor' });
      // The vendor can no longer buy it either: it is activated.
      await h.expectRefusalUnchanged(port, K.routerco,
        () => mna(K.routerco).OrderPerLicense({ DeviceId: 'cpe-rcseed0001', Type: 1 }), 'OperationDenied.DeviceNotFound');
    });

    it('refuses hardware that is already activated: OperationDenied.HardwareHasActivated, by anyone', async () => {
      const before = await deviceNames(K.tenant2);
      const err = await h.expectCode(mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-1', DeviceName: 'act-again' }],
      }), 'OperationDenied.HardwareHasActivated');
      assert.ok(err.message.includes('RC-SEED-1'), err.message);
      await h.expectCode(mna(K.tenant).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-1', DeviceName: 'act-again' }],
      }), 'OperationDenied.HardwareHasActivated');
      assert.deepEqual(await deviceNames(K.tenant2), before);
    });

    it('refuses an unknown SN (OperationDenied.HardwareNotExist) and an unknown vendor (OperationDenied.VendorNotRegister)', async () => {
      await h.expectCode(mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-NOSUCH', DeviceName: 'act-x' }],
      }), 'OperationDenied.HardwareNotExist');
      await h.expectCode(mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'nosuchvendor', SN: 'RC-SEED-2', DeviceName: 'act-x' }],
      }), 'OperationDenied.VendorNotRegister');
      // A tenant's name is not a vendor name.
      await h.expectCode(mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'tenant', SN: 'RC-SEED-2', DeviceName: 'act-x' }],
      }), 'OperationDenied.VendorNotRegister');
      assert.ok(!(await deviceNames(K.tenant2)).includes('act-x'));
    });

    it('refuses a device name the tenant already uses: InternalError.DuplicateDeviceName, hardware stays unactivated', async () => {
      await h.expectCode(mna(K.tenant).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-3', DeviceName: 'tenant-existing' }],
      }), 'InternalError.DuplicateDeviceName', { messageIncludes: 'mna-ten0001' });
      assert.equal((await vendorHardware(K.routerco)).get('RC-SEED-3').Status, 1);
      assert.equal((await hardwareInfo(K.tenant, 'routerco', 'RC-SEED-3')).LicensePayMode, -1);
    });

    it('is all or nothing: a batch with one refused item activates none of it', async () => {
      await addOne('RC-BATCH-1', 1);
      await addOne('RC-BATCH-2', 2);
      const devicesBefore = await deviceNames(K.tenant2);
      const cases = [
        [{ Vendor: 'routerco', SN: 'RC-BATCH-1', DeviceName: 'batch-1' }, { Vendor: 'routerco', SN: 'RC-NOSUCH', DeviceName: 'batch-2' }],
        [{ Vendor: 'routerco', SN: 'RC-BATCH-1', DeviceName: 'batch-1' }, { Vendor: 'routerco', SN: 'RC-SEED-1', DeviceName: 'batch-2' }],
        [{ Vendor: 'routerco', SN: 'RC-BATCH-1', DeviceName: 'batch-1' }, { Vendor: 'routerco', SN: 'RC-BATCH-2', DeviceName: 'batch-1' }],
        [{ Vendor: 'routerco', SN: 'RC-BATCH-1', DeviceName: 'batch-1' }, { Vendor: 'routerco', SN: 'RC-BATCH-1', DeviceName: 'batch-2' }],
      ];
      const codes = ['OperationDenied.HardwareNotExist', 'OperationDenied.HardwareHasActivated',
        'InternalError.DuplicateDeviceName', 'OperationDenied.HardwareHasActivated'];
      for (let i = 0; i < cases.length; i++) {
        await h.expectCode(mna(K.tenant2).ActivateHardware({ Hardware: cases[i] }), codes[i]);
      }
      assert.deepEqual(await deviceNames(K.tenant2), devicesBefore, 'no device was created');
      const listed = await vendorHardware(K.routerco);
      assert.equal(listed.get('RC-BATCH-1').Status, 1);
      assert.equal(listed.get('RC-BATCH-1').DeviceId, '');
      assert.equal(listed.get('RC-BATCH-2').Status, 1);

      // The same batch, corrected, activates both in request order.
      const ok = await mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-BATCH-1', DeviceName: 'batch-1' },
          { Vendor: 'routerco', SN: 'RC-BATCH-2', DeviceName: 'batch-2' }],
      });
      assert.deepEqual(ok.HardwareInfo.map((x) => x.SN), ['RC-BATCH-1', 'RC-BATCH-2']);
      assert.notEqual(ok.HardwareInfo[0].DeviceId, ok.HardwareInfo[1].DeviceId);
      const after = await vendorHardware(K.routerco, { Status: 2 });
      assert.equal(after.get('RC-BATCH-1').DeviceId, ok.HardwareInfo[0].DeviceId);
      assert.equal(after.get('RC-BATCH-2').DeviceId, ok.HardwareInfo[1].DeviceId);
      assert.ok(!(await vendorHardware(K.routerco, { Status: 1 })).has('RC-BATCH-1'));
    });

    it('lets a vendor activate its own hardware into its own account', async () => {
      await addOne('RC-SELF', 1);
      const res = await mna(K.routerco).ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-SELF', DeviceName: 'self' }] });
      assert.equal((await baseInfo(K.routerco, res.HardwareInfo[0].DeviceId)).Vendor, 'routerco');
    });

    it('refuses a DataKey already in use: InvalidParameterValue (ActivateHardware\'s documented code); keeps a chosen one', async () => {
      const { DataKey } = await mna(K.tenant).AddDevice({ DeviceName: 'key-holder' });
      await h.expectCode(mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-2', DeviceName: 'dk-dup', DataKey }],
      }), 'InvalidParameterValue');
      assert.equal((await vendorHardware(K.routerco)).get('RC-SEED-2').Status, 1);
      const chosen = Buffer.from('tenant2-chosen-key').toString('base64');
      await addOne('RC-DK', 1);
      const ok = await mna(K.tenant2).ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-DK', DeviceName: 'dk-ok', DataKey: chosen }] });
      assert.equal(ok.HardwareInfo[0].DataKey, chosen);
      await h.expectCode(mna(K.tenant).AddDevice({ DeviceName: 'dk-thief', DataKey: chosen }), 'InternalError.DuplicateDataKey');
    });

    it('refuses a DataKey that is not base64, as AddDevice does: InvalidParameterValue', async () => {
      // Own SN, so that a wrongful activation cannot disturb the other tests.
      await addOne('RC-DK-BAD', 1);
      await h.expectCode(mna(K.tenant2).ActivateHardware({
        Hardware: [{ Vendor: 'routerco', SN: 'RC-DK-BAD', DeviceName: 'dk-bad', DataKey: 'not base64 !!' }],
      }), 'InvalidParameterValue');
      assert.equal((await vendorHardware(K.routerco)).get('RC-DK-BAD').Status, 1);
    });

    it('checks its parameters', async () => {
      const c = mna(K.tenant2);
      await h.expectCode(c.ActivateHardware({}), 'MissingParameter');
      await h.expectCode(c.ActivateHardware({ Hardware: [] }), 'InvalidParameterValue');
      await h.expectCode(c.ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-2' }] }), 'MissingParameter');
      await h.expectCode(c.ActivateHardware({ Hardware: [{ SN: 'RC-SEED-2', DeviceName: 'p' }] }), 'MissingParameter');
      await h.expectCode(c.ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-2', DeviceName: 'p', LicensePayMode: 2 }] }),
        'InvalidParameterValue');
      await h.expectCode(c.ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-2', DeviceName: 'p', AccessScope: 3 }] }),
        'InvalidParameterValue');
      await h.expectCode(c.ActivateHardware({ Hardware: [{ Vendor: 'routerco', SN: 'RC-SEED-2', DeviceName: 'p', GroupId: 'grp-x' }] }),
        'InvalidParameterValue');
      assert.equal((await vendorHardware(K.routerco)).get('RC-SEED-2').Status, 1);
    });
  });

  describe('GetHardwareList', () => {
    it('lists the caller\'s devices that came from hardware, with the HardwareInfo model', async () => {
      const res = await mna(K.tenant).GetHardwareList({ PageNumber: 1, PageSize: 100 });
      assertResponse('GetHardwareList', res);
      const bySn = new Map(res.HardwareInfos.map((x) => [x.SN, x]));
      assert.deepEqual([...bySn.keys()].sort(), ['RC-ACT-T0', 'RC-ACT-T1', 'RC-ACT-V2', 'RC-SEED-1']);
      assert.equal(res.Length, 4);
      assert.equal(res.TotalPage, 1);
      for (const x of res.HardwareInfos) assertModel('HardwareInfo', x);
      assert.ok(!res.HardwareInfos.some((x) => x.DeviceId === 'mna-ten0001'), 'own devices are not hardware');
      const t1 = bySn.get('RC-ACT-T1');
      assert.equal(t1.DeviceName, 'act-t1');
      assert.equal(t1.Description, 'tenant remark');
      assert.equal(t1.VendorDescription, 'vendor remark');
      assert.equal(t1.LicenseChargingMode, 1);
      assert.equal(t1.LicensePayMode, 1);
      assert.equal(t1.Payer, 0);
      assert.equal(t1.FlowTrunc, 1);
      assert.ok(Number(t1.ActiveTime) > 0);
      const v3 = bySn.get('RC-SEED-1');
      assert.equal(v3.LicenseChargingMode, 3);
      assert.equal(v3.LicensePayMode, 1);
      assert.equal(v3.Payer, 1);
      assert.equal(v3.VendorDescription, 'seed permanent');
      const v2 = bySn.get('RC-ACT-V2');
      assert.equal(v2.LicensePayMode, 0);
      assert.equal(v2.Payer, 1);
    });

    it('pages and filters by Keyword', async () => {
      const p1 = await mna(K.tenant).GetHardwareList({ PageNumber: 1, PageSize: 3 });
      const p2 = await mna(K.tenant).GetHardwareList({ PageNumber: 2, PageSize: 3 });
      assert.equal(p1.HardwareInfos.length, 3);
      assert.equal(p2.HardwareInfos.length, 1);
      assert.equal(p1.TotalPage, 2);
      assert.equal(p2.Length, 4);
      assert.equal(new Set([...p1.HardwareInfos, ...p2.HardwareInfos].map((x) => x.DeviceId)).size, 4);
      const kw = await mna(K.tenant).GetHardwareList({ PageNumber: 1, PageSize: 10, Keyword: 'act-v' });
      assert.deepEqual(kw.HardwareInfos.map((x) => x.SN).sort(), ['RC-ACT-V2', 'RC-SEED-1']);
      const bySn = await mna(K.tenant).GetHardwareList({ PageNumber: 1, PageSize: 10, Keyword: 'RC-ACT-T0' });
      assert.deepEqual(bySn.HardwareInfos.map((x) => x.DeviceName), ['act-t0']);
    });

    it('is empty for an account without activated hardware, and refuses bad paging', async () => {
      const res = await mna(K.switchco).GetHardwareList({ PageNumber: 1, PageSize: 10 });
      assert.deepEqual(res.HardwareInfos, []);
      assert.equal(res.Length, 0);
      assert.equal(res.TotalPage, 0);
      await h.expectCode(mna(K.tenant).GetHardwareList({ PageNumber: 0, PageSize: 10 }), 'InvalidParameterValue');
      await h.expectCode(mna(K.tenant).GetHardwareList({ PageNumber: 1 }), 'MissingParameter');
    });
  });
});
