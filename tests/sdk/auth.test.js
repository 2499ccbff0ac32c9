'use strict';
// Authentication and authorization failures as the official Node SDK sees
// them: AuthFailure.* codes, CAM-style sub-user permissions, suspended
// accounts, and access to another account's devices.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { KEYS } = h;
const ACME_DEVICE = h.account('acme').devices[0].device_id;
const GLOBEX_DEVICE = h.account('globex').devices[0].device_id;
const FROZEN_DEVICE = h.account('frozen').devices[0].device_id;
const TEN_MINUTES_MS = 10 * 60 * 1000;

describe('authentication and authorization errors', () => {
  let server;
  let port;

  before(async () => {
    server = await h.startServer();
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('AuthFailure.InvalidAuthorization', () => {
    it('rejects the SDK skipSign option (Authorization: SKIP)', async () => {
      const c = h.mnaClient(port, KEYS.acmeRoot);
      await h.expectCode(c.request('GetDevicePayMode', { DeviceIdList: [ACME_DEVICE] }, { skipSign: true }),
        'AuthFailure.InvalidAuthorization');
      const b = h.billingClient(port, KEYS.acmeRoot);
      await h.expectCode(b.request('DescribeAccountBalance', {}, { skipSign: true }),
        'AuthFailure.InvalidAuthorization');
    });

    const malformed = {
      'garbage': 'garbage',
      'wrong algorithm': 'HMAC-MD5 Credential=AKIDsdkAcmeRoot00000000000000000000001/2024-01-01/mna/tc3_request, SignedHeaders=content-type;host, Signature=00',
      'no Credential': 'TC3-HMAC-SHA256 SignedHeaders=content-type;host, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'no Signature': 'TC3-HMAC-SHA256 Credential=AKIDsdkAcmeRoot00000000000000000000001/2024-01-01/mna/tc3_request, SignedHeaders=content-type;host',
      'truncated credential scope': 'TC3-HMAC-SHA256 Credential=AKIDsdkAcmeRoot00000000000000000000001, SignedHeaders=content-type;host, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    };
    for (const [name, authorization] of Object.entries(malformed)) {
      it(`rejects a malformed Authorization header (${name})`, async () => {
        const reply = await h.rawTc3(port, {
          action: 'GetDevicePayMode',
          body: JSON.stringify({ DeviceIdList: [ACME_DEVICE] }),
          authorization,
        });
        h.assertRawError(reply, 'AuthFailure.InvalidAuthorization');
      });
    }

    it('answers with the envelope when SKIP comes from a raw request', async () => {
      const reply = await h.rawTc3(port, { action: 'DescribeAccountBalance', version: h.BILLING_VERSION, authorization: 'SKIP' });
      h.assertRawError(reply, 'AuthFailure.InvalidAuthorization');
    });
  });

  describe('AuthFailure.SecretIdNotFound', () => {
    it('rejects an unknown SecretId (TC3 POST)', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.unknown).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }),
        'AuthFailure.SecretIdNotFound');
    });

    it('rejects an unknown SecretId (TC3 GET)', async () => {
      await h.expectCode(h.billingClient(port, KEYS.unknown, { reqMethod: 'GET' }).DescribeAccountBalance({}),
        'AuthFailure.SecretIdNotFound');
    });

    it('rejects an unknown SecretId (legacy HmacSHA256)', async () => {
      await h.expectCode(h.billingClient(port, KEYS.unknown, { signMethod: 'HmacSHA256' }).DescribeAccountBalance({}),
        'AuthFailure.SecretIdNotFound');
    });
  });

  describe('AuthFailure.SignatureExpire', () => {
    for (const [label, offset] of [['10 minutes ahead', TEN_MINUTES_MS], ['10 minutes behind', -TEN_MINUTES_MS]]) {
      it(`rejects a TC3 timestamp ${label}`, async () => {
        const c = h.mnaClient(port, KEYS.acmeRoot);
        await h.withClockOffset(offset, () =>
          h.expectCode(c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }), 'AuthFailure.SignatureExpire'));
      });
    }

    it('rejects a legacy HmacSHA256 timestamp 10 minutes off', async () => {
      const c = h.billingClient(port, KEYS.acmeRoot, { signMethod: 'HmacSHA256' });
      await h.withClockOffset(-TEN_MINUTES_MS, () =>
        h.expectCode(c.DescribeAccountBalance({}), 'AuthFailure.SignatureExpire'));
    });

    it('still accepts a timestamp one minute off', async () => {
      const c = h.mnaClient(port, KEYS.acmeRoot);
      const res = await h.withClockOffset(-60 * 1000, () => c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }));
      assert.equal(res.Result[0].DeviceId, ACME_DEVICE);
    });
  });

  describe('AuthFailure.SignatureFailure', () => {
    const wrong = { secretId: KEYS.acmeRoot.secretId, secretKey: 'not-the-right-secret-key-000000001' };

    it('rejects the right SecretId with a wrong SecretKey (TC3 POST)', async () => {
      await h.expectCode(h.mnaClient(port, wrong).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }),
        'AuthFailure.SignatureFailure');
    });

    it('rejects a wrong SecretKey over TC3 GET', async () => {
      await h.expectCode(h.mnaClient(port, wrong, { reqMethod: 'GET' }).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }),
        'AuthFailure.SignatureFailure');
    });

    for (const signMethod of ['HmacSHA256', 'HmacSHA1']) {
      it(`rejects a wrong SecretKey with legacy ${signMethod}`, async () => {
        await h.expectCode(h.billingClient(port, wrong, { signMethod }).DescribeAccountBalance({}),
          'AuthFailure.SignatureFailure');
      });
    }

    it('rejects a body that differs from the signed one', async () => {
      const reply = await h.rawTc3(port, {
        action: 'GetDevicePayMode',
        signedBody: JSON.stringify({ DeviceIdList: [ACME_DEVICE] }),
        body: JSON.stringify({ DeviceIdList: [GLOBEX_DEVICE] }),
      });
      h.assertRawError(reply, 'AuthFailure.SignatureFailure');
    });

    it('rejects a sub-user key signed with the root secret', async () => {
      const mixed = { secretId: KEYS.acmeAdmin.secretId, secretKey: KEYS.acmeRoot.secretKey };
      await h.expectCode(h.billingClient(port, mixed).DescribeAccountBalance({}), 'AuthFailure.SignatureFailure');
    });
  });

  describe('AuthFailure.UnauthorizedOperation (sub-user permissions)', () => {
    it('refuses billing:DescribeAccountBalance to a sub-user with only mna:*', async () => {
      await h.expectCode(h.billingClient(port, KEYS.acmeMnaOps).DescribeAccountBalance({}),
        'AuthFailure.UnauthorizedOperation');
    });

    it('refuses mna:GetDevicePayMode to a sub-user with only billing:DescribeAccountBalance', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeFinance).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE] }),
        'AuthFailure.UnauthorizedOperation');
    });

    it('refuses it over legacy signing too', async () => {
      await h.expectCode(h.billingClient(port, KEYS.acmeMnaOps, { signMethod: 'HmacSHA1', reqMethod: 'GET' }).DescribeAccountBalance({}),
        'AuthFailure.UnauthorizedOperation');
    });
  });

  describe('UnauthorizedOperation (suspended account)', () => {
    it('refuses DescribeAccountBalance', async () => {
      await h.expectCode(h.billingClient(port, KEYS.frozenRoot).DescribeAccountBalance({}), 'UnauthorizedOperation');
    });

    it('refuses GetDevicePayMode even for the account\'s own device', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.frozenRoot).GetDevicePayMode({ DeviceIdList: [FROZEN_DEVICE] }),
        'UnauthorizedOperation');
    });
  });

  describe('OperationDenied.DeviceNotFound', () => {
    it('refuses another account\'s device and names it', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [GLOBEX_DEVICE] }),
        'OperationDenied.DeviceNotFound', { messageIncludes: GLOBEX_DEVICE });
    });

    it('refuses the whole list when one id belongs to another account', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [ACME_DEVICE, GLOBEX_DEVICE] }),
        'OperationDenied.DeviceNotFound', { messageIncludes: GLOBEX_DEVICE });
    });

    it('refuses an id that exists nowhere', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.globexRoot).GetDevicePayMode({ DeviceIdList: ['mna-doesnotexist'] }),
        'OperationDenied.DeviceNotFound', { messageIncludes: 'mna-doesnotexist' });
    });

    it('applies to sub-users of the account as well', async () => {
      await h.expectCode(h.mnaClient(port, KEYS.acmeMnaOps).GetDevicePayMode({ DeviceIdList: [GLOBEX_DEVICE] }),
        'OperationDenied.DeviceNotFound', { messageIncludes: GLOBEX_DEVICE });
    });
  });
});
