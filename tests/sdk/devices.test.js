'use strict';
// mna device actions through the official Node SDK: AddDevice, GetDevice,
// GetDevices, UpdateDevice, DeleteDevice. Every reply is checked field by
// field against the SDK models (models.js), every refusal by its exact code.
//
// Fixture: fixtures/devices-seed.json (one account per situation; "lister"
// has exactly 7 devices and is never written to; "mixed" receives one device
// activated from the vendor "devvendor").

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const { assertModel, assertResponse } = require('./models');

const S = h.loadSeed('devices-seed.json');
const K = {
  owner: S.cred('owner'),
  ownerViewer: S.cred('owner', 'viewer'), // mna:GetDevice, mna:GetDevices
  ownerOps: S.cred('owner', 'ops'), // mna:*
  other: S.cred('other'),
  lister: S.cred('lister'),
  empty: S.cred('empty'),
  mixed: S.cred('mixed'),
  devvendor: S.cred('devvendor'),
  frozen: S.cred('frozen'),
};
const DEVICE_ID_RE = /^mna-[0-9a-z]{10}$/;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const LISTER_IDS = S.account('lister').devices.map((d) => d.device_id).sort();

describe('device actions', () => {
  let server;
  let port;
  const mna = (cred, opts) => h.mnaClient(port, cred, opts);

  async function baseInfo(cred, deviceId) {
    const res = await mna(cred).GetDevice({ DeviceId: deviceId });
    assertResponse('GetDevice', res);
    return res.DeviceDetails.DeviceBaseInfo;
  }
  // Every device of the caller (PageNumber/PageSize -1: all).
  async function allDevices(cred) {
    const res = await mna(cred).GetDevices({ PageNumber: -1, PageSize: -1 });
    assertResponse('GetDevices', res);
    assert.equal(res.Length, res.DeviceInfos.length);
    return res.DeviceInfos;
  }
  async function allIds(cred) {
    return (await allDevices(cred)).map((d) => d.DeviceId).sort();
  }

  before(async () => {
    server = await h.startServer({ seed: S.path });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('AddDevice', () => {
    it('creates a device from a name alone: mna- + 10 characters, a generated base64 DataKey, defaults everywhere', async () => {
      const t0 = Date.now();
      const res = await mna(K.owner).AddDevice({ DeviceName: 'add-minimal' });
      assertResponse('AddDevice', res);
      assert.match(res.DeviceId, DEVICE_ID_RE);
      assert.match(res.DataKey, BASE64_RE);
      assert.ok(res.DataKey.length >= 16, `a generated DataKey should carry real entropy: ${res.DataKey}`);

      const info = await baseInfo(K.owner, res.DeviceId);
      assertModel('DeviceBaseInfo', info);
      assert.equal(info.DeviceId, res.DeviceId);
      assert.equal(info.DeviceName, 'add-minimal');
      assert.equal(info.Remark, '');
      assert.equal(info.AccessScope, 0);
      assert.equal(info.LicensePayMode, 0, 'LicensePayMode defaults to 0 (monthly)');
      assert.equal(info.Payer, 0, 'a self-created device is paid by the customer');
      assert.equal(info.FlowTrunc, 0);
      assert.equal(info.Sn, '');
      assert.equal(info.Vendor, '');
      assert.equal(info.GroupId, '');
      assert.deepEqual(info.AllowedRegions, []);
      assert.match(info.CreateTime, /^\d{13}$/, 'CreateTime is milliseconds as a string');
      const created = Number(info.CreateTime);
      assert.ok(created >= t0 - 5000 && created <= Date.now() + 5000, `CreateTime ${created} is not now`);
      assert.ok((await allIds(K.owner)).includes(res.DeviceId));
    });

    it('keeps every optional field: Remark, DataKey, AccessScope, LicensePayMode 1, FlowTrunc', async () => {
      const dataKey = Buffer.from('owner-chosen-key-0001').toString('base64');
      const res = await mna(K.owner).AddDevice({
        DeviceName: 'add-full', Remark: 'with everything', DataKey: dataKey, Encrypted: false,
        AccessScope: 2, LicensePayMode: 1, FlowTrunc: 1,
      });
      assertResponse('AddDevice', res);
      assert.match(res.DeviceId, DEVICE_ID_RE);
      assert.equal(res.DataKey, dataKey, 'a DataKey that was sent is the one returned');
      const info = await baseInfo(K.owner, res.DeviceId);
      assert.equal(info.DeviceName, 'add-full');
      assert.equal(info.Remark, 'with everything');
      assert.equal(info.AccessScope, 2);
      assert.equal(info.LicensePayMode, 1);
      assert.equal(info.Payer, 0);
      assert.equal(info.FlowTrunc, 1);
    });

    it('gives each device its own id and DataKey', async () => {
      const a = await mna(K.owner).AddDevice({ DeviceName: 'add-unique-a', LicensePayMode: 0 });
      const b = await mna(K.owner).AddDevice({ DeviceName: 'add-unique-b', LicensePayMode: 1 });
      assert.notEqual(a.DeviceId, b.DeviceId);
      assert.notEqual(a.DataKey, b.DataKey);
      assert.equal((await baseInfo(K.owner, b.DeviceId)).LicensePayMode, 1);
    });

    it('refuses a name the account already uses: InternalError.DuplicateDeviceName naming the holder, nothing created', async () => {
      const before = await allIds(K.owner);
      const err = await h.expectCode(mna(K.owner).AddDevice({ DeviceName: 'dev-seed-1' }),
        'InternalError.DuplicateDeviceName');
      assert.ok(err.message.includes('mna-dev0001'), err.message);
      assert.deepEqual(await allIds(K.owner), before);
    });

    it('allows a name that only another account uses', async () => {
      const res = await mna(K.other).AddDevice({ DeviceName: 'dev-seed-2' });
      assert.match(res.DeviceId, DEVICE_ID_RE);
      assert.equal((await baseInfo(K.other, res.DeviceId)).DeviceName, 'dev-seed-2');
    });

    it('refuses a DataKey another device holds (same or other account): InternalError.DuplicateDataKey', async () => {
      const first = await mna(K.owner).AddDevice({ DeviceName: 'add-key-holder' });
      const before = await allIds(K.owner);
      await h.expectCode(mna(K.owner).AddDevice({ DeviceName: 'add-key-thief', DataKey: first.DataKey }),
        'InternalError.DuplicateDataKey');
      await h.expectCode(mna(K.other).AddDevice({ DeviceName: 'add-key-thief', DataKey: first.DataKey }),
        'InternalError.DuplicateDataKey');
      assert.deepEqual(await allIds(K.owner), before);
      assert.ok(!(await allDevices(K.other)).some((d) => d.DeviceName === 'add-key-thief'));
    });

    it('refuses Encrypted true (no preset key): InternalError.UndefinedEncryptedKey', async () => {
      await h.expectCode(mna(K.owner).AddDevice({ DeviceName: 'add-encrypted', Encrypted: true }),
        'InternalError.UndefinedEncryptedKey');
      assert.ok(!(await allDevices(K.owner)).some((d) => d.DeviceName === 'add-encrypted'));
    });

    it('refuses an unknown GroupId: InvalidParameterValue', async () => {
      await h.expectCode(mna(K.owner).AddDevice({ DeviceName: 'add-grouped', GroupId: 'grp-nosuch' }),
        'InvalidParameterValue');
      assert.ok(!(await allDevices(K.owner)).some((d) => d.DeviceName === 'add-grouped'));
    });

    it('checks its parameters: missing name, bad LicensePayMode / AccessScope / FlowTrunc, non-base64 DataKey, wrong types', async () => {
      const c = mna(K.owner);
      await h.expectCode(c.AddDevice({ Remark: 'no name' }), 'MissingParameter');
      await h.expectCode(c.AddDevice({ DeviceName: '' }), 'InvalidParameterValue');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', LicensePayMode: 2 }), 'InvalidParameterValue');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', LicensePayMode: -1 }), 'InvalidParameterValue');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', AccessScope: 3 }), 'InvalidParameterValue');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', FlowTrunc: 2 }), 'InvalidParameterValue');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', DataKey: 'not base64!' }), 'InvalidParameterValue');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', LicensePayMode: '1' }), 'InvalidParameter');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', Encrypted: 'yes' }), 'InvalidParameter');
      await h.expectCode(c.AddDevice({ DeviceName: 'add-bad', Colour: 'red' }), 'UnknownParameter');
      assert.ok(!(await allDevices(K.owner)).some((d) => d.DeviceName === 'add-bad'));
    });

    it('works over the legacy v1 signature (form POST) and TC3 GET', async () => {
      const a = await mna(K.owner, { signMethod: 'HmacSHA256' })
        .AddDevice({ DeviceName: 'add-v1', LicensePayMode: 1, Encrypted: false });
      const b = await mna(K.owner, { reqMethod: 'GET' }).AddDevice({ DeviceName: 'add-get', FlowTrunc: 1 });
      assert.equal((await baseInfo(K.owner, a.DeviceId)).LicensePayMode, 1);
      assert.equal((await baseInfo(K.owner, b.DeviceId)).FlowTrunc, 1);
    });
  });

  describe('GetDevice', () => {
    it('returns DeviceDetails with the seeded DeviceBaseInfo', async () => {
      const res = await mna(K.owner).GetDevice({ DeviceId: 'mna-dev0001' });
      assertResponse('GetDevice', res);
      assertModel('DeviceDetails', res.DeviceDetails);
      assert.deepEqual(res.DeviceDetails.DeviceNetInfo, []);
      const info = res.DeviceDetails.DeviceBaseInfo;
      assert.equal(info.DeviceId, 'mna-dev0001');
      assert.equal(info.DeviceName, 'dev-seed-1');
      assert.equal(info.Remark, 'seeded permanent');
      assert.equal(info.LicensePayMode, 1);
      assert.equal(info.Payer, 0);
      assert.equal((await baseInfo(K.owner, 'mna-dev0002')).LicensePayMode, 0);
    });

    it('refuses an unknown device and another account\'s device: InvalidParameterValue', async () => {
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId: 'mna-nosuch0001' }), 'InvalidParameterValue',
        { messageIncludes: 'mna-nosuch0001' });
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId: 'mna-oth0001' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.other).GetDevice({ DeviceId: 'mna-dev0001' }), 'InvalidParameterValue');
    });

    it('checks its parameters', async () => {
      await h.expectCode(mna(K.owner).GetDevice({}), 'MissingParameter');
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId: '' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId: 7 }), 'InvalidParameter');
    });
  });

  describe('GetDevices', () => {
    it('pages through the 7 devices: Length is the total, TotalPage the page count, pages disjoint and complete', async () => {
      const seen = [];
      for (let page = 1; page <= 3; page++) {
        const res = await mna(K.lister).GetDevices({ PageNumber: page, PageSize: 3 });
        assertResponse('GetDevices', res);
        assert.equal(res.Length, 7);
        assert.equal(res.TotalPage, 3);
        assert.equal(res.DeviceInfos.length, page < 3 ? 3 : 1, `page ${page}`);
        for (const d of res.DeviceInfos) assertModel('DeviceBaseInfo', d);
        seen.push(...res.DeviceInfos.map((d) => d.DeviceId));
      }
      assert.deepEqual([...seen].sort(), LISTER_IDS, 'the pages together list every device once');
      const beyond = await mna(K.lister).GetDevices({ PageNumber: 4, PageSize: 3 });
      assert.deepEqual(beyond.DeviceInfos, []);
      assert.equal(beyond.Length, 7);
      assert.equal(beyond.TotalPage, 3);
      const big = await mna(K.lister).GetDevices({ PageNumber: 1, PageSize: 100 });
      assert.equal(big.DeviceInfos.length, 7);
      assert.equal(big.TotalPage, 1);
    });

    it('a page far beyond the end is empty even when PageNumber × PageSize passes 2^63; PageSize is at most 100', async () => {
      // (2^62 - 1) × 100 > 2^63: the offset of this page must not wrap around.
      const res = await mna(K.lister).GetDevices({ PageNumber: 2 ** 62, PageSize: 100 });
      await h.expectCode(mna(K.lister).GetDevices({ PageNumber: 1, PageSize: 101 }), 'InvalidParameterValue');
      assert.equal(res.Length, 7);
      assert.equal(res.TotalPage, 1);
      assert.deepEqual(res.DeviceInfos.map((d) => d.DeviceId), [], 'page 2^62 of size 100 lies past the 7 devices');
    });

    it('PageNumber -1 and PageSize -1 list everything', async () => {
      const res = await mna(K.lister).GetDevices({ PageNumber: -1, PageSize: -1 });
      assertResponse('GetDevices', res);
      assert.deepEqual(res.DeviceInfos.map((d) => d.DeviceId).sort(), LISTER_IDS);
      assert.equal(res.Length, 7);
      assert.equal(res.TotalPage, 1);
      const seeded = new Map(S.account('lister').devices.map((d) => [d.device_id, d]));
      for (const d of res.DeviceInfos) {
        assert.equal(d.DeviceName, seeded.get(d.DeviceId).name);
        assert.equal(d.LicensePayMode, seeded.get(d.DeviceId).license_pay_mode);
      }
    });

    it('lists nothing for an account without devices', async () => {
      const res = await mna(K.empty).GetDevices({ PageNumber: 1, PageSize: 10 });
      assertResponse('GetDevices', res);
      assert.deepEqual(res.DeviceInfos, []);
      assert.equal(res.Length, 0);
      assert.equal(res.TotalPage, 0);
      const all = await mna(K.empty).GetDevices({ PageNumber: -1, PageSize: -1 });
      assert.equal(all.Length, 0);
      assert.deepEqual(all.DeviceInfos, []);
    });

    it('filters by Keyword on the name or the id', async () => {
      const byName = await mna(K.lister).GetDevices({ PageNumber: 1, PageSize: 10, Keyword: 'alpha' });
      assert.deepEqual(byName.DeviceInfos.map((d) => d.DeviceId).sort(), ['mna-lst0001', 'mna-lst0002', 'mna-lst0003']);
      assert.equal(byName.Length, 3);
      assert.equal(byName.TotalPage, 1);
      const byId = await mna(K.lister).GetDevices({ PageNumber: 1, PageSize: 10, Keyword: 'lst0005' });
      assert.deepEqual(byId.DeviceInfos.map((d) => d.DeviceName), ['lst-beta-2']);
      const paged = await mna(K.lister).GetDevices({ PageNumber: 2, PageSize: 3, Keyword: 'beta' });
      assert.equal(paged.Length, 4);
      assert.equal(paged.TotalPage, 2);
      assert.equal(paged.DeviceInfos.length, 1);
      const none = await mna(K.lister).GetDevices({ PageNumber: 1, PageSize: 10, Keyword: 'gamma' });
      assert.deepEqual(none.DeviceInfos, []);
      assert.equal(none.Length, 0);
      const empty = await mna(K.lister).GetDevices({ PageNumber: 1, PageSize: 10, Keyword: '' });
      assert.equal(empty.Length, 7, 'an empty Keyword filters nothing');
    });

    it('DeviceType 1 lists own devices, 2 those activated from vendor hardware', async () => {
      const own = await mna(K.lister).GetDevices({ PageNumber: -1, PageSize: -1, DeviceType: 1 });
      assert.equal(own.Length, 7);
      const third = await mna(K.lister).GetDevices({ PageNumber: -1, PageSize: -1, DeviceType: 2 });
      assert.equal(third.Length, 0);
      assert.deepEqual(third.DeviceInfos, []);

      const act = await mna(K.mixed).ActivateHardware({
        Hardware: [{ Vendor: 'devvendor', SN: 'DV-0001', DeviceName: 'mix-from-hw' }],
      });
      const hwDevice = act.HardwareInfo[0].DeviceId;
      const mixedThird = await mna(K.mixed).GetDevices({ PageNumber: 1, PageSize: 10, DeviceType: 2 });
      assert.deepEqual(mixedThird.DeviceInfos.map((d) => d.DeviceId), [hwDevice]);
      assert.equal(mixedThird.Length, 1);
      assert.equal(mixedThird.DeviceInfos[0].Sn, 'DV-0001');
      assert.equal(mixedThird.DeviceInfos[0].Vendor, 'devvendor');
      const mixedOwn = await mna(K.mixed).GetDevices({ PageNumber: 1, PageSize: 10, DeviceType: 1 });
      assert.deepEqual(mixedOwn.DeviceInfos.map((d) => d.DeviceId).sort(), ['mna-mix0001', 'mna-mix0002']);
      const mixedAll = await mna(K.mixed).GetDevices({ PageNumber: 1, PageSize: 10 });
      assert.equal(mixedAll.Length, 3);
      const kw = await mna(K.mixed).GetDevices({ PageNumber: 1, PageSize: 10, DeviceType: 2, Keyword: 'own' });
      assert.equal(kw.Length, 0, 'DeviceType and Keyword combine');
    });

    it('lists only the caller\'s devices', async () => {
      const ids = await allIds(K.other);
      assert.ok(ids.includes('mna-oth0001'));
      assert.ok(!ids.some((id) => id.startsWith('mna-dev') || id.startsWith('mna-lst')));
    });

    it('refuses bad paging and DeviceType: InvalidParameterValue; missing paging: MissingParameter', async () => {
      const c = mna(K.lister);
      await h.expectCode(c.GetDevices({ PageNumber: 0, PageSize: 10 }), 'InvalidParameterValue');
      await h.expectCode(c.GetDevices({ PageNumber: 1, PageSize: 0 }), 'InvalidParameterValue');
      await h.expectCode(c.GetDevices({ PageNumber: -1, PageSize: 10 }), 'InvalidParameterValue');
      await h.expectCode(c.GetDevices({ PageNumber: 1, PageSize: -1 }), 'InvalidParameterValue');
      await h.expectCode(c.GetDevices({ PageNumber: 1, PageSize: 10, DeviceType: 3 }), 'InvalidParameterValue');
      await h.expectCode(c.GetDevices({ PageNumber: 1, PageSize: 10, DeviceType: 0 }), 'InvalidParameterValue');
      await h.expectCode(c.GetDevices({ PageNumber: 1 }), 'MissingParameter');
      await h.expectCode(c.GetDevices({ PageSize: 1 }), 'MissingParameter');
      await h.expectCode(c.GetDevices({ PageNumber: '1', PageSize: 1 }), 'InvalidParameter');
    });
  });

  describe('UpdateDevice', () => {
    it('changes the name, the remark and FlowTrunc; GetDevice shows them', async () => {
      const res = await mna(K.owner).UpdateDevice({
        DeviceId: 'mna-dev0003', DeviceName: 'dev-upd-1-renamed', Remark: 'updated', FlowTrunc: 1,
      });
      assertResponse('UpdateDevice', res);
      const info = await baseInfo(K.owner, 'mna-dev0003');
      assert.equal(info.DeviceName, 'dev-upd-1-renamed');
      assert.equal(info.Remark, 'updated');
      assert.equal(info.FlowTrunc, 1);
      assert.equal(info.LicensePayMode, 0, 'untouched fields stay');

      // Only what is sent changes.
      await mna(K.owner).UpdateDevice({ DeviceId: 'mna-dev0003', FlowTrunc: 0 });
      const again = await baseInfo(K.owner, 'mna-dev0003');
      assert.equal(again.DeviceName, 'dev-upd-1-renamed');
      assert.equal(again.Remark, 'updated');
      assert.equal(again.FlowTrunc, 0);
      await mna(K.owner).UpdateDevice({ DeviceId: 'mna-dev0003', Remark: '' });
      assert.equal((await baseInfo(K.owner, 'mna-dev0003')).Remark, '');
      // The old name is free again; the new one is taken.
      const reuse = await mna(K.owner).AddDevice({ DeviceName: 'dev-upd-1' });
      assert.match(reuse.DeviceId, DEVICE_ID_RE);
      await h.expectCode(mna(K.owner).AddDevice({ DeviceName: 'dev-upd-1-renamed' }), 'InternalError.DuplicateDeviceName');
    });

    it('accepts the device\'s own current name and an UpdateNetInfo list', async () => {
      await mna(K.owner).UpdateDevice({ DeviceId: 'mna-dev0005', DeviceName: 'dev-upd-2' });
      const res = await mna(K.owner).UpdateDevice({
        DeviceId: 'mna-dev0005',
        UpdateNetInfo: [
          { Type: 0, DataEnable: true, UploadLimit: 1000000, DownloadLimit: 2000000, NetInfoName: 'wwan0' },
          { Type: 1, DataEnable: false, NetInfoName: 'wlan0' },
        ],
      });
      assertResponse('UpdateDevice', res);
      assert.equal((await baseInfo(K.owner, 'mna-dev0005')).DeviceName, 'dev-upd-2');
    });

    it('refuses a name another device of the account holds: InternalError.DuplicateDeviceName, nothing changed', async () => {
      const before = await baseInfo(K.owner, 'mna-dev0005');
      const err = await h.expectCode(mna(K.owner).UpdateDevice({
        DeviceId: 'mna-dev0005', DeviceName: 'dev-seed-2', Remark: 'must not stick', FlowTrunc: 1,
      }), 'InternalError.DuplicateDeviceName');
      assert.ok(err.message.includes('mna-dev0002'), err.message);
      assert.deepEqual(await baseInfo(K.owner, 'mna-dev0005'), before);
      // A name used only by another account is fine.
      await mna(K.other).UpdateDevice({ DeviceId: 'mna-oth0001', DeviceName: 'dev-upd-2' });
      assert.equal((await baseInfo(K.other, 'mna-oth0001')).DeviceName, 'dev-upd-2');
    });

    it('refuses an unknown or foreign device: InvalidParameterValue', async () => {
      await h.expectCode(mna(K.owner).UpdateDevice({ DeviceId: 'mna-nosuch0002', Remark: 'x' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.owner).UpdateDevice({ DeviceId: 'mna-oth0001', Remark: 'x' }), 'InvalidParameterValue');
      assert.notEqual((await baseInfo(K.other, 'mna-oth0001')).Remark, 'x');
    });

    it('checks its parameters', async () => {
      const c = mna(K.owner);
      await h.expectCode(c.UpdateDevice({ Remark: 'x' }), 'MissingParameter');
      await h.expectCode(c.UpdateDevice({ DeviceId: 'mna-dev0005', FlowTrunc: 2 }), 'InvalidParameterValue');
      await h.expectCode(c.UpdateDevice({ DeviceId: 'mna-dev0005', DeviceName: '' }), 'InvalidParameterValue');
      await h.expectCode(c.UpdateDevice({ DeviceId: 'mna-dev0005', UpdateNetInfo: [{ Type: 5 }] }), 'InvalidParameterValue');
      await h.expectCode(c.UpdateDevice({ DeviceId: 'mna-dev0005', UpdateNetInfo: [{ Speed: 5 }] }), 'UnknownParameter');
      await h.expectCode(c.UpdateDevice({ DeviceId: 'mna-dev0005', UpdateNetInfo: { Type: 0 } }), 'InvalidParameter');
    });
  });

  describe('DeleteDevice', () => {
    it('deletes a device: GetDevice then refuses it, GetDevices no longer lists it, its name is free', async () => {
      const res = await mna(K.owner).DeleteDevice({ DeviceId: 'mna-dev0004' });
      assertResponse('DeleteDevice', res);
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId: 'mna-dev0004' }), 'InvalidParameterValue');
      assert.ok(!(await allIds(K.owner)).includes('mna-dev0004'));
      await h.expectCode(mna(K.owner).DeleteDevice({ DeviceId: 'mna-dev0004' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.owner).UpdateDevice({ DeviceId: 'mna-dev0004', Remark: 'x' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.owner).GetDevicePayMode({ DeviceIdList: ['mna-dev0004'] }), 'OperationDenied.DeviceNotFound');
      await h.expectCode(mna(K.owner).OrderPerLicense({ DeviceId: 'mna-dev0004', Type: 0 }), 'OperationDenied.DeviceNotFound');
      const reuse = await mna(K.owner).AddDevice({ DeviceName: 'dev-del-1' });
      assert.notEqual(reuse.DeviceId, 'mna-dev0004');
    });

    it('deletes a device created by AddDevice', async () => {
      const { DeviceId } = await mna(K.owner).AddDevice({ DeviceName: 'add-then-delete' });
      await mna(K.owner).DeleteDevice({ DeviceId });
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId }), 'InvalidParameterValue');
    });

    it('refuses an unknown or foreign device: InvalidParameterValue, the other account keeps it', async () => {
      await h.expectCode(mna(K.owner).DeleteDevice({ DeviceId: 'mna-nosuch0003' }), 'InvalidParameterValue');
      await h.expectCode(mna(K.owner).DeleteDevice({ DeviceId: 'mna-oth0001' }), 'InvalidParameterValue');
      await baseInfo(K.other, 'mna-oth0001');
      await h.expectCode(mna(K.owner).DeleteDevice({}), 'MissingParameter');
    });
  });

  describe('callers', () => {
    it('a sub-user runs exactly the actions it is granted', async () => {
      const viewer = mna(K.ownerViewer);
      assert.equal((await viewer.GetDevice({ DeviceId: 'mna-dev0001' })).DeviceDetails.DeviceBaseInfo.DeviceId, 'mna-dev0001');
      assert.ok((await viewer.GetDevices({ PageNumber: -1, PageSize: -1 })).Length > 0);
      await h.expectCode(viewer.AddDevice({ DeviceName: 'viewer-add' }), 'AuthFailure.UnauthorizedOperation');
      await h.expectCode(viewer.UpdateDevice({ DeviceId: 'mna-dev0001', Remark: 'x' }), 'AuthFailure.UnauthorizedOperation');
      await h.expectCode(viewer.DeleteDevice({ DeviceId: 'mna-dev0001' }), 'AuthFailure.UnauthorizedOperation');
      await baseInfo(K.owner, 'mna-dev0001');
      // mna:* acts for the root account.
      const { DeviceId } = await mna(K.ownerOps).AddDevice({ DeviceName: 'ops-add' });
      assert.equal((await baseInfo(K.owner, DeviceId)).DeviceName, 'ops-add');
      await mna(K.ownerOps).DeleteDevice({ DeviceId });
      await h.expectCode(mna(K.owner).GetDevice({ DeviceId }), 'InvalidParameterValue');
    });

    it('a suspended account is refused every device action: UnauthorizedOperation', async () => {
      const c = mna(K.frozen);
      await h.expectCode(c.AddDevice({ DeviceName: 'frozen-add' }), 'UnauthorizedOperation');
      await h.expectCode(c.GetDevice({ DeviceId: 'mna-frz0001' }), 'UnauthorizedOperation');
      await h.expectCode(c.GetDevices({ PageNumber: 1, PageSize: 1 }), 'UnauthorizedOperation');
      await h.expectCode(c.UpdateDevice({ DeviceId: 'mna-frz0001', Remark: 'x' }), 'UnauthorizedOperation');
      await h.expectCode(c.DeleteDevice({ DeviceId: 'mna-frz0001' }), 'UnauthorizedOperation');
    });
  });
});
