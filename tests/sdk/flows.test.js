'use strict';
// End-to-end flows across the device, hardware, flow-package and license
// actions, through the official Node SDK:
//   1. vendor flow: AddHardware (mode 3) → OrderPerLicense Type 1 → a tenant
//      activates it → the device holds the vendor's license;
//   2. user flow: AddDevice (LicensePayMode 1) → OrderPerLicense with
//      RollBack refused for lack of balance → the device is gone; unless a
//      flow package in effect is bound to it → the device stays.
// And every MNA action this server does not implement answers
// UnsupportedOperation naming the action, whatever is sent.
//
// Fixture: fixtures/flows-seed.json (license 30000 fen, 20G package 3000 fen;
// "poor" and "pkgpoor" hold 10000 fen).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const { assertModel, assertResponse } = require('./models');

const S = h.loadSeed('flows-seed.json');
const PRICE = S.seed.prices.license_fen;
const PACKAGE_PRICE = S.seed.prices.flow_packages_fen.DEVICE_1_FLOW_20G;
const K = {
  vendorco: S.cred('vendorco'),
  tenant: S.cred('tenant'),
  poor: S.cred('poor'),
  pkgpoor: S.cred('pkgpoor'),
  frozen: S.cred('frozen'),
  poorvendor: S.cred('poorvendor'), // a vendor with 10000 fen
};
const RESOURCE_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0$/;

// Tencent's MNA 2021-01-19 actions that mnad answers with UnsupportedOperation.
const UNIMPLEMENTED = [
  'AddApplication', 'AddCustomerGatewayCluster', 'AddGateway', 'AddGroup', 'AddL3Conn', 'CreateEncryptedKey',
  'DeleteApplication', 'DeleteCustomerGatewayCluster', 'DeleteGateway', 'DeleteGroup', 'DeleteL3Conn',
  'DescribeAccessPointList', 'DescribeAccessRegions', 'DownloadActiveDeviceCount', 'GetActiveDeviceCount',
  'GetApplication', 'GetCustomerGatewayClusterList', 'GetDestIPByName', 'GetFlowAlarmInfo', 'GetFlowStatistic',
  'GetFlowStatisticByGroup', 'GetFlowStatisticByName', 'GetFlowStatisticByRegion', 'GetGatewayList',
  'GetGroupDetail', 'GetGroupList', 'GetL3ConnList', 'GetMonitorDataByName', 'GetMultiFlowStatistic',
  'GetNetMonitor', 'GetNetMonitorByName', 'GetPublicKey', 'GetStatisticData', 'GetStatisticDataByName',
  'GroupAddDevice', 'GroupDeleteDevice', 'ModifyDeviceAccessRegions', 'ModifyDeviceAccessScope', 'ReportOrder',
  'SetNotifyUrl', 'UpdateApplicationInfo', 'UpdateApplicationKey', 'UpdateCustomerGatewayCluster', 'UpdateGroup',
  'UpdateL3Cidr', 'UpdateL3Conn', 'UpdateL3Switch',
];

describe('end-to-end flows', () => {
  let server;
  let port;
  const mna = (cred, opts) => h.mnaClient(port, cred, opts);

  async function baseInfo(cred, deviceId) {
    const res = await mna(cred).GetDevice({ DeviceId: deviceId });
    assertResponse('GetDevice', res);
    assertModel('DeviceBaseInfo', res.DeviceDetails.DeviceBaseInfo);
    return res.DeviceDetails.DeviceBaseInfo;
  }
  async function listedIds(cred) {
    const res = await mna(cred).GetDevices({ PageNumber: -1, PageSize: -1 });
    return res.DeviceInfos.map((d) => d.DeviceId);
  }

  before(async () => {
    server = await h.startServer({ seed: S.path });
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('vendor flow: a license bought for hardware travels to the activated device', () => {
    let hardwareId;
    let resourceId;
    let deviceId;

    it('1. the vendor registers hardware with LicenseChargingMode 3', async () => {
      const res = await mna(K.vendorco).AddHardware({
        Hardware: [{ SN: 'VC-FLOW-1', LicenseChargingMode: 3, Description: 'licensed before sale' }],
      });
      assertResponse('AddHardware', res);
      hardwareId = res.Hardware[0].HardwareId;
      assert.match(hardwareId, /^cpe-[0-9a-z]{10}$/);
      const hi = await mna(K.tenant).GetHardwareInfo({ Vendor: 'vendorco', SN: 'VC-FLOW-1' });
      assert.equal(hi.LicensePayMode, 1);
      assert.equal(hi.Payer, 1);
    });

    it('2. the vendor buys its permanent license with OrderPerLicense Type 1 and the HardwareId', async () => {
      const before = await h.moneyOf(port, K.vendorco);
      const res = await mna(K.vendorco).OrderPerLicense({ DeviceId: hardwareId, Type: 1 });
      assertResponse('OrderPerLicense', res);
      resourceId = res.ResourceId;
      assert.match(resourceId, RESOURCE_ID_RE);
      const after = await h.moneyOf(port, K.vendorco);
      assert.equal(after.balance, before.balance - PRICE);
      await h.expectRefusalUnchanged(port, K.vendorco,
        () => mna(K.vendorco).OrderPerLicense({ DeviceId: hardwareId, Type: 1 }), 'OperationDenied.RepeatPurchase',
        { messageIncludes: resourceId });
    });

    it('3. a tenant activates it by Vendor + SN', async () => {
      const res = await mna(K.tenant).ActivateHardware({
        Hardware: [{ Vendor: 'vendorco', SN: 'VC-FLOW-1', DeviceName: 'flow-car-1', Description: 'tenant car' }],
      });
      assertResponse('ActivateHardware', res);
      assertModel('ActivateHardware', res.HardwareInfo[0]);
      deviceId = res.HardwareInfo[0].DeviceId;
      assert.match(deviceId, /^mna-[0-9a-z]{10}$/);
      assert.equal(res.HardwareInfo[0].LicensePayMode, 1);
    });

    it('4. GetDevice shows LicensePayMode 1, Payer 1 (vendor), Sn and Vendor', async () => {
      const info = await baseInfo(K.tenant, deviceId);
      assert.equal(info.DeviceId, deviceId);
      assert.equal(info.DeviceName, 'flow-car-1');
      assert.equal(info.LicensePayMode, 1);
      assert.equal(info.Payer, 1);
      assert.equal(info.Sn, 'VC-FLOW-1');
      assert.equal(info.Vendor, 'vendorco');
      assert.ok((await listedIds(K.tenant)).includes(deviceId));
      const hw = await mna(K.tenant).GetHardwareList({ PageNumber: 1, PageSize: 10 });
      assert.deepEqual(hw.HardwareInfos.map((x) => x.DeviceId), [deviceId]);
      assert.equal(hw.HardwareInfos[0].LicenseChargingMode, 3);
    });

    it('5. OrderPerLicense Type 0 on the new device answers RepeatPurchase naming the vendor\'s ResourceId, also with RollBack', async () => {
      const err = await h.expectRefusalUnchanged(port, K.tenant,
        () => mna(K.tenant).OrderPerLicense({ DeviceId: deviceId, Type: 0 }), 'OperationDenied.RepeatPurchase',
        { messageIncludes: [resourceId, deviceId] });
      assert.ok(!err.message.includes('Rolled back'));
      await h.expectRefusalUnchanged(port, K.tenant,
        () => mna(K.tenant).OrderPerLicense({ DeviceId: deviceId, Type: 0, RollBack: true, AutoVoucher: true }),
        'OperationDenied.RepeatPurchase', { messageIncludes: resourceId });
      await baseInfo(K.tenant, deviceId);
      // The vendor cannot buy for it again: the hardware is activated.
      await h.expectRefusalUnchanged(port, K.vendorco,
        () => mna(K.vendorco).OrderPerLicense({ DeviceId: hardwareId, Type: 1 }), 'OperationDenied.DeviceNotFound');
    });

    it('6. GetVendorHardware shows Status 2 with the DeviceId; GetHardwareInfo LicensePayMode 1, Payer 1', async () => {
      const res = await mna(K.vendorco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: 'VC-FLOW-1' });
      assertResponse('GetVendorHardware', res);
      assert.equal(res.Length, 1);
      const v = res.VendorHardware[0];
      assertModel('VendorHardware', v);
      assert.equal(v.HardwareId, hardwareId);
      assert.equal(v.Status, 2);
      assert.equal(v.DeviceId, deviceId);
      assert.equal(v.LicenseChargingMode, 3);
      assert.equal(v.LicensePayMode, 1);
      assert.equal(v.Payer, 1);
      assert.equal(v.Description, 'licensed before sale');
      const activated = await mna(K.vendorco).GetVendorHardware({ PageNumber: 1, PageSize: 10, Status: 2 });
      assert.deepEqual(activated.VendorHardware.map((x) => x.HardwareId), [hardwareId]);
      const hi = await mna(K.tenant).GetHardwareInfo({ Vendor: 'vendorco', SN: 'VC-FLOW-1' });
      assertResponse('GetHardwareInfo', hi);
      assert.equal(hi.LicensePayMode, 1);
      assert.equal(hi.Payer, 1);
      assert.equal(hi.SN, 'VC-FLOW-1');
      assert.equal(hi.Vendor, 'vendorco');
    });

    it('a vendor\'s Type 1 purchase refused for balance with RollBack deletes the hardware record', async () => {
      const res = await mna(K.poorvendor).AddHardware({ Hardware: [{ SN: 'PV-1', LicenseChargingMode: 3 }] });
      const id = res.Hardware[0].HardwareId;
      await h.expectRefusalUnchanged(port, K.poorvendor,
        () => mna(K.poorvendor).OrderPerLicense({ DeviceId: id, Type: 1, RollBack: false }), 'OperationDenied.InsufficientBalance');
      assert.equal((await mna(K.poorvendor).GetVendorHardware({ PageNumber: 1, PageSize: 10 })).Length, 1);
      await h.expectRefusalUnchanged(port, K.poorvendor,
        () => mna(K.poorvendor).OrderPerLicense({ DeviceId: id, Type: 1, RollBack: true }), 'OperationDenied.InsufficientBalance',
        { messageIncludes: ['Rolled back', id] });
      const listed = await mna(K.poorvendor).GetVendorHardware({ PageNumber: 1, PageSize: 10 });
      assert.equal(listed.Length, 0);
      await h.expectCode(mna(K.tenant).GetHardwareInfo({ Vendor: 'poorvendor', SN: 'PV-1' }), 'OperationDenied.HardwareNotExist');
      await h.expectCode(mna(K.tenant).ActivateHardware({ Hardware: [{ Vendor: 'poorvendor', SN: 'PV-1', DeviceName: 'pv' }] }),
        'OperationDenied.HardwareNotExist');
      await h.expectCode(mna(K.poorvendor).OrderPerLicense({ DeviceId: id, Type: 1 }), 'OperationDenied.DeviceNotFound');
      // The SN is free again for the vendor.
      await mna(K.poorvendor).AddHardware({ Hardware: [{ SN: 'PV-1', LicenseChargingMode: 3 }] });
    });

    it('hardware the vendor did not license stays unlicensed after activation: neither side can buy it', async () => {
      const res = await mna(K.tenant).ActivateHardware({
        Hardware: [{ Vendor: 'vendorco', SN: 'VC-SEED-1', DeviceName: 'flow-car-unlicensed' }],
      });
      const id = res.HardwareInfo[0].DeviceId;
      const info = await baseInfo(K.tenant, id);
      assert.equal(info.LicensePayMode, 1);
      assert.equal(info.Payer, 1);
      await h.expectRefusalUnchanged(port, K.tenant,
        () => mna(K.tenant).OrderPerLicense({ DeviceId: id, Type: 0, RollBack: true }), 'OperationDenied');
      await baseInfo(K.tenant, id);
    });
  });

  describe('user flow: RollBack on a refused purchase', () => {
    it('AddDevice (LicensePayMode 1) → OrderPerLicense RollBack refused for balance → the device is gone', async () => {
      const added = await mna(K.poor).AddDevice({ DeviceName: 'rollback-me', LicensePayMode: 1 });
      assertResponse('AddDevice', added);
      const id = added.DeviceId;
      assert.equal((await baseInfo(K.poor, id)).LicensePayMode, 1);
      assert.ok((await listedIds(K.poor)).includes(id));

      const err = await h.expectRefusalUnchanged(port, K.poor,
        () => mna(K.poor).OrderPerLicense({ DeviceId: id, Type: 0, RollBack: true }),
        'OperationDenied.InsufficientBalance', { messageIncludes: ['Rolled back', id] });
      assert.ok(!err.message.includes('not allowed'), err.message);

      await h.expectCode(mna(K.poor).GetDevice({ DeviceId: id }), 'InvalidParameterValue');
      assert.ok(!(await listedIds(K.poor)).includes(id), 'GetDevices no longer lists it');
      await h.expectCode(mna(K.poor).GetDevicePayMode({ DeviceIdList: [id] }), 'OperationDenied.DeviceNotFound');
      await h.expectCode(mna(K.poor).OrderPerLicense({ DeviceId: id, Type: 0, RollBack: true }), 'OperationDenied.DeviceNotFound');
      // Its name is free again.
      const again = await mna(K.poor).AddDevice({ DeviceName: 'rollback-me', LicensePayMode: 1 });
      assert.notEqual(again.DeviceId, id);
    });

    it('without RollBack the refused device stays', async () => {
      const { DeviceId } = await mna(K.poor).AddDevice({ DeviceName: 'keep-me', LicensePayMode: 1 });
      const err = await h.expectRefusalUnchanged(port, K.poor,
        () => mna(K.poor).OrderPerLicense({ DeviceId, Type: 0, RollBack: false }), 'OperationDenied.InsufficientBalance');
      assert.ok(!err.message.includes('Rolled back'), err.message);
      await baseInfo(K.poor, DeviceId);
    });

    it('a device bound to a flow package in effect is kept: the refusal says rollback was not allowed', async () => {
      const { DeviceId: id } = await mna(K.pkgpoor).AddDevice({ DeviceName: 'packaged', LicensePayMode: 1 });
      const before = await h.balanceOf(port, K.pkgpoor);
      assert.ok(before >= PACKAGE_PRICE && before - PACKAGE_PRICE < PRICE, 'the fixture pays the package, not the license');
      const pkg = await mna(K.pkgpoor).OrderFlowPackage({
        PackageType: 'DEVICE_1_FLOW_20G', DeviceList: [id], AutoRenewFlag: false, PackageRegion: 0,
      });
      assertResponse('OrderFlowPackage', pkg);
      assert.equal(await h.balanceOf(port, K.pkgpoor), before - PACKAGE_PRICE);

      const err = await h.expectRefusalUnchanged(port, K.pkgpoor,
        () => mna(K.pkgpoor).OrderPerLicense({ DeviceId: id, Type: 0, RollBack: true }),
        'OperationDenied.InsufficientBalance', { messageIncludes: ['Rollback was not allowed', id] });
      assert.ok(!err.message.includes('Rolled back'), err.message);

      const info = await baseInfo(K.pkgpoor, id);
      assert.equal(info.DeviceName, 'packaged');
      assert.equal(info.LicensePayMode, 1);
      assert.ok((await listedIds(K.pkgpoor)).includes(id));
      const pm = await mna(K.pkgpoor).GetDevicePayMode({ DeviceIdList: [id] });
      assertResponse('GetDevicePayMode', pm);
      assert.equal(pm.Result[0].DeviceId, id);
      assert.equal(pm.Result[0].PayMode, 1);
      assert.equal(pm.Result[0].ResourceId, pkg.ResourceId);
      const list = await mna(K.pkgpoor).GetFlowPackages({ PageNumber: 1, PageSize: 10, DeviceId: id });
      assert.equal(list.Total, 1);
      assert.equal(list.PackageList[0].ResourceId, pkg.ResourceId);
    });
  });

  describe('actions not implemented here', () => {
    const common = (cred = K.tenant, opts = {}) => h.commonClient(port, cred, { version: h.MNA_VERSION, ...opts });

    it(`answers UnsupportedOperation naming the action, for all ${UNIMPLEMENTED.length} of them`, async () => {
      assert.ok(UNIMPLEMENTED.length >= 10);
      for (const action of UNIMPLEMENTED) {
        const err = await h.expectCode(common().request(action, {}), 'UnsupportedOperation',
          { messageIncludes: [action, 'not implement'] });
        assert.ok(/Tencent/.test(err.message), `the message says the action is Tencent's: ${err.message}`);
      }
    });

    it('whatever parameters are sent: plausible, unknown, wrongly typed', async () => {
      const sends = {
        AddGroup: [{ GroupName: 'g1', Description: 'd' }, { GroupName: 7 }, { Nonsense: [1, 2, 3] }],
        GetFlowStatistic: [{ DeviceId: 'mna-x', BeginTime: 1, EndTime: 2, Type: 3, TimeGranularity: 1 }, { BeginTime: 'yesterday' }],
        AddL3Conn: [{ Cidr1: '10.0.0.0/24', Cidr2: '10.0.1.0/24', DeviceId1: 'mna-a', DeviceId2: 'mna-b' }, { Cidr1: null }],
        GetPublicKey: [{}, { Anything: { Nested: true } }],
        SetNotifyUrl: [{ NotifyUrl: 'http://x', CallbackKey: 'k', AlarmValue: 80 }, { AlarmValue: -1.5 }],
        ModifyDeviceAccessRegions: [{ DeviceIds: ['mna-a'], AllowedRegions: ['ap-beijing'] }, { DeviceIds: 'not an array' }],
      };
      for (const [action, list] of Object.entries(sends)) {
        for (const params of list) {
          await h.expectCode(common().request(action, params), 'UnsupportedOperation', { messageIncludes: action });
        }
      }
    });

    it('through the SDK\'s own methods, over GET and the legacy v1 signature, without a Region', async () => {
      const c = mna(K.tenant);
      await h.expectCode(c.AddGroup({ GroupName: 'g' }), 'UnsupportedOperation', { messageIncludes: 'AddGroup' });
      await h.expectCode(c.GetPublicKey({}), 'UnsupportedOperation', { messageIncludes: 'GetPublicKey' });
      await h.expectCode(c.GetGroupList({ PageSize: 10, PageNumber: 1 }), 'UnsupportedOperation', { messageIncludes: 'GetGroupList' });
      await h.expectCode(mna(K.tenant, { reqMethod: 'GET' }).DescribeAccessRegions({}), 'UnsupportedOperation',
        { messageIncludes: 'DescribeAccessRegions' });
      await h.expectCode(mna(K.tenant, { signMethod: 'HmacSHA1' }).DeleteL3Conn({ L3ConnIdList: ['l3-1'] }), 'UnsupportedOperation',
        { messageIncludes: 'DeleteL3Conn' });
      await h.expectCode(mna(K.tenant, { region: '' }).GetFlowAlarmInfo({}), 'UnsupportedOperation',
        { messageIncludes: 'GetFlowAlarmInfo' });
    });

    it('still answers InvalidAction for a name Tencent does not have, and the gateway checks come first', async () => {
      await h.expectCode(common().request('AddGroups', {}), 'InvalidAction');
      await h.expectCode(common().request('GetFlowStatisticsByPlanet', {}), 'InvalidAction');
      await h.expectCode(common(K.frozen).request('AddGroup', { GroupName: 'g' }), 'UnauthorizedOperation');
      await h.expectCode(h.commonClient(port, { secretId: 'AKIDflowsNoSuchKey00000000000000000001', secretKey: 'x' },
        { version: h.MNA_VERSION }).request('AddGroup', {}), 'AuthFailure.SecretIdNotFound');
    });
  });
});
