'use strict';
// Request-level errors: size limits, routing (action/version/method),
// common parameters (Region) and per-action parameter validation.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { KEYS } = h;
const ACME_DEVICE = h.account('acme').devices[0].device_id;
const MB = 1024 * 1024;
const KB = 1024;

describe('request errors', () => {
  let server;
  let port;

  before(async () => {
    server = await h.startServer();
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('RequestSizeLimitExceeded', () => {
    it('refuses a TC3 POST body over 10 MB', { timeout: 60_000 }, async () => {
      const c = h.billingClient(port, KEYS.acmeRoot);
      await h.expectCode(c.DescribeAccountBalance({ Padding: 'x'.repeat(11 * MB) }), 'RequestSizeLimitExceeded');
    });

    it('refuses a GET whose query exceeds 32 KB', async () => {
      const c = h.billingClient(port, KEYS.acmeRoot, { reqMethod: 'GET' });
      await h.expectCode(c.DescribeAccountBalance({ Padding: 'x'.repeat(33 * KB) }), 'RequestSizeLimitExceeded');
    });

    it('refuses a legacy (v1) form POST over 1 MB', { timeout: 30_000 }, async () => {
      const c = h.billingClient(port, KEYS.acmeRoot, { signMethod: 'HmacSHA256' });
      await h.expectCode(c.DescribeAccountBalance({ Padding: 'x'.repeat(2 * MB) }), 'RequestSizeLimitExceeded');
    });

    it('keeps serving after refusing an oversized request', async () => {
      const res = await h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] });
      assert.equal(res.Result[0].DeviceId, ACME_DEVICE);
    });
  });

  describe('routing', () => {
    it('answers InvalidAction for an unknown action on mna 2021-01-19', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).request('DescribeNothingAtAll', {}), 'InvalidAction');
    });

    it('answers InvalidAction for an unknown action on billing 2018-07-09', async () => {
      await h.expectCode(h.billingClient(port, KEYS.acmeRoot).request('DescribeNothingAtAll', {}), 'InvalidAction');
    });

    it('answers NoSuchVersion for GetDevicePayMode at version 2099-01-01', async () => {
      const c = h.commonClient(port, KEYS.acmeRoot, { version: '2099-01-01' });
      await h.expectCode(c.request('GetDevicePayMode', { DeviceIdList: [ACME_DEVICE] }), 'NoSuchVersion');
    });

    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      it(`answers UnsupportedProtocol (200 + envelope) for HTTP ${method}`, async () => {
        const reply = await h.rawTc3(port, {
          method,
          action: 'GetDevicePayMode',
          body: JSON.stringify({ DeviceIdList: [ACME_DEVICE] }),
        });
        h.assertRawError(reply, 'UnsupportedProtocol');
      });
    }
  });

  describe('MissingParameter', () => {
    it('names DeviceIdList when it is absent', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({}), 'MissingParameter',
        { messageIncludes: 'DeviceIdList' });
    });

    it('names DeviceIdList when it is absent (TC3 GET)', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot, { reqMethod: 'GET' }).GetDevicePayMode({}), 'MissingParameter',
        { messageIncludes: 'DeviceIdList' });
    });

    it('names Region when GetDevicePayMode is called without one', async () => {
      // region '' makes the SDK omit X-TC-Region altogether.
      const c = h.mnaClient(port, KEYS.acmeRoot, { region: '' });
      await h.expectCode(c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }), 'MissingParameter',
        { messageIncludes: 'Region' });
    });

    it('names Region when a legacy call carries no Region', async () => {
      const c = h.mnaClient(port, KEYS.acmeRoot, { region: '', signMethod: 'HmacSHA256' });
      await h.expectCode(c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }), 'MissingParameter',
        { messageIncludes: 'Region' });
    });
  });

  describe('InvalidParameter (wrong type)', () => {
    it('names DeviceIdList when it is a string instead of an array', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: 'mna-x' }), 'InvalidParameter',
        { messageIncludes: 'DeviceIdList' });
    });

    it('names DeviceIdList when an element is not a string', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [42] }), 'InvalidParameter',
        { messageIncludes: 'DeviceIdList' });
    });

    it('names TempCredit when it is "yes" instead of a boolean', async () => {
      await h.expectCode(h.billingClient(port, KEYS.acmeRoot).DescribeAccountBalance({ TempCredit: 'yes' }), 'InvalidParameter',
        { messageIncludes: 'TempCredit' });
    });

    it('names TempCredit when a form-encoded value is not a boolean (TC3 GET)', async () => {
      await h.expectCode(h.billingClient(port, KEYS.acmeRoot, { reqMethod: 'GET' }).DescribeAccountBalance({ TempCredit: 'yes' }),
        'InvalidParameter', { messageIncludes: 'TempCredit' });
    });
  });

  describe('InvalidParameterValue', () => {
    it('names DeviceIdList when an id is empty', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [''] }), 'InvalidParameterValue',
        { messageIncludes: 'DeviceIdList' });
    });

    it('names DeviceIdList when it holds 101 ids', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => `mna-many${String(i).padStart(4, '0')}`);
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: ids }), 'InvalidParameterValue',
        { messageIncludes: 'DeviceIdList' });
    });

    it('refuses an empty DeviceIdList and names it', async () => {
      // An empty JSON array is present but outside 1..100 items.
      let err;
      try {
        await h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [] });
      } catch (e) {
        err = e;
      }
      assert.ok(err, 'an empty DeviceIdList must be refused');
      assert.ok(['InvalidParameterValue', 'MissingParameter'].includes(err.code), `got ${err.code}: ${err.message}`);
      assert.ok(err.message.includes('DeviceIdList'), err.message);
    });
  });

  describe('UnknownParameter', () => {
    it('names an extra field on GetDevicePayMode', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE], Foo: 1 }),
        'UnknownParameter', { messageIncludes: 'Foo' });
    });

    it('names an extra field on DescribeAccountBalance', async () => {
      await h.expectCode(h.billingClient(port, KEYS.acmeRoot).DescribeAccountBalance({ Foo: 1 }),
        'UnknownParameter', { messageIncludes: 'Foo' });
    });

    it('names an extra field over TC3 GET', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot, { reqMethod: 'GET' }).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE], Foo: 1 }),
        'UnknownParameter', { messageIncludes: 'Foo' });
    });

    it('names an extra field in a legacy form request', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot, { signMethod: 'HmacSHA256' }).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE], Foo: 1 }),
        'UnknownParameter', { messageIncludes: 'Foo' });
    });
  });

  describe('UnsupportedRegion', () => {
    it('refuses a region outside the seed\'s list', async () => {
      const c = h.mnaClient(port, KEYS.acmeRoot, { region: 'xx-nowhere-1' });
      await h.expectCode(c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }), 'UnsupportedRegion');
    });

    it('refuses a real Tencent region that the seed does not list', async () => {
      const c = h.mnaClient(port, KEYS.acmeRoot, { region: 'ap-beijing' });
      await h.expectCode(c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }), 'UnsupportedRegion');
    });
  });
});
