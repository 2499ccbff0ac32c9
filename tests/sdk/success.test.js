'use strict';
// Success paths of the implemented actions, through every way the official
// Node SDK can call them: TC3 POST, TC3 GET, legacy v1 HmacSHA256/HmacSHA1
// (POST and GET), root keys and sub-users; plus the wire details of replies.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { KEYS } = h;
const acme = h.account('acme');
const globex = h.account('globex');
const ACME_DEVICES = acme.devices.map((d) => d.device_id);

function expectPostpaid(result, ids) {
  assert.ok(Array.isArray(result), `Result must be an array, got ${JSON.stringify(result)}`);
  assert.equal(result.length, ids.length);
  result.forEach((item, i) => {
    assert.equal(item.DeviceId, ids[i], `Result[${i}] must follow the request order`);
    assert.equal(item.PayMode, 0, `Result[${i}].PayMode`);
    assert.equal(typeof item.PayModeDesc, 'string', `Result[${i}].PayModeDesc must be a string`);
    assert.ok(item.PayModeDesc.length > 0, `Result[${i}].PayModeDesc must not be empty`);
    assert.equal(item.ResourceId, '', `Result[${i}].ResourceId`);
  });
}

// tempCreditAsked: the request had TempCredit: true, so the temporary credit
// must be reported (0, as mnad grants none). Without it the field may be
// left out (the real API reports it on request), but if present it is 0.
function expectBalance(res, acct, { tempCreditAsked = false } = {}) {
  const fen = acct.balance_fen;
  for (const f of ['Balance', 'RealBalance', 'CashAccountBalance', 'CreditBalance', 'RealCreditBalance']) {
    assert.strictEqual(res[f], fen, `${f} must equal balance_fen ${fen}`);
  }
  for (const f of ['IncomeIntoAccountBalance', 'PresentAccountBalance', 'FreezeAmount', 'OweAmount',
    'CreditAmount']) {
    assert.strictEqual(res[f], 0, `${f} must be 0`);
  }
  if (tempCreditAsked || res.TempCredit !== undefined) {
    assert.strictEqual(res.TempCredit, 0, 'TempCredit must be 0');
  }
  if (res.TempAmountInfoList !== undefined) {
    assert.deepEqual(res.TempAmountInfoList, [], 'TempAmountInfoList must be empty');
  }
  assert.strictEqual(res.Uin, Number(acct.uin), 'Uin must be the root uin as a number');
  assert.strictEqual(res.IsAllowArrears, false);
  assert.strictEqual(res.IsCreditLimited, false);
  h.assertRequestId(res);
}

describe('success paths', () => {
  let server;
  let port;

  before(async () => {
    server = await h.startServer();
    port = server.port;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  describe('billing DescribeAccountBalance', () => {
    it('returns the seeded balance in fen for a root key (TC3 POST)', async () => {
      const res = await h.billingClient(port, KEYS.acmeRoot).DescribeAccountBalance({});
      expectBalance(res, acme);
    });

    it('reports the balance of the caller\'s own account', async () => {
      const res = await h.billingClient(port, KEYS.globexRoot).DescribeAccountBalance({});
      expectBalance(res, globex);
    });

    it('accepts TempCredit true and false', async () => {
      const c = h.billingClient(port, KEYS.acmeRoot);
      expectBalance(await c.DescribeAccountBalance({ TempCredit: true }), acme, { tempCreditAsked: true });
      expectBalance(await c.DescribeAccountBalance({ TempCredit: false }), acme);
    });

    it('does not require a region', async () => {
      const res = await h.billingClient(port, KEYS.acmeRoot, { region: '' }).DescribeAccountBalance({});
      expectBalance(res, acme);
    });

    it('works over TC3 GET (TempCredit as a query parameter)', async () => {
      const c = h.billingClient(port, KEYS.acmeRoot, { reqMethod: 'GET' });
      expectBalance(await c.DescribeAccountBalance({}), acme);
      expectBalance(await c.DescribeAccountBalance({ TempCredit: true }), acme, { tempCreditAsked: true });
    });

    it('serves a sub-user with "*" the root account\'s balance', async () => {
      const res = await h.billingClient(port, KEYS.acmeAdmin).DescribeAccountBalance({});
      expectBalance(res, acme);
    });

    it('serves a sub-user allowed exactly billing:DescribeAccountBalance', async () => {
      const res = await h.billingClient(port, KEYS.acmeFinance).DescribeAccountBalance({});
      expectBalance(res, acme);
    });

    for (const signMethod of ['HmacSHA256', 'HmacSHA1']) {
      for (const reqMethod of ['POST', 'GET']) {
        it(`works with legacy ${signMethod} over ${reqMethod}`, async () => {
          const c = h.billingClient(port, KEYS.acmeRoot, { signMethod, reqMethod });
          expectBalance(await c.DescribeAccountBalance({ TempCredit: true }), acme, { tempCreditAsked: true });
        });
      }
    }

    it('works through CommonClient.request with an explicit version', async () => {
      const c = h.commonClient(port, KEYS.acmeRoot, { version: h.BILLING_VERSION, defaultEndpoint: 'billing.tencentcloudapi.com' });
      expectBalance(await c.request('DescribeAccountBalance', {}), acme);
    });
  });

  describe('mna GetDevicePayMode', () => {
    it('returns postpaid (PayMode 0) for one device over TC3 POST', async () => {
      const res = await h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: [ACME_DEVICES[0]] });
      expectPostpaid(res.Result, [ACME_DEVICES[0]]);
      h.assertRequestId(res);
    });

    it('answers in request order, not seed order', async () => {
      const ids = [ACME_DEVICES[2], ACME_DEVICES[0], ACME_DEVICES[1]];
      const res = await h.mnaClient(port, KEYS.acmeRoot).GetDevicePayMode({ DeviceIdList: ids });
      expectPostpaid(res.Result, ids);
    });

    it('accepts 100 distinct device ids (the maximum) and keeps their order', async () => {
      const ids = h.account('fleet').devices.map((d) => d.device_id).reverse();
      assert.equal(ids.length, 100);
      const res = await h.mnaClient(port, KEYS.fleetRoot).GetDevicePayMode({ DeviceIdList: ids });
      expectPostpaid(res.Result, ids);
    });

    it('accepts 100 device ids over TC3 GET (DeviceIdList.0 .. DeviceIdList.99)', async () => {
      const ids = h.account('fleet').devices.map((d) => d.device_id);
      const res = await h.mnaClient(port, KEYS.fleetRoot, { reqMethod: 'GET' }).GetDevicePayMode({ DeviceIdList: ids });
      expectPostpaid(res.Result, ids);
    });

    it('works in every seeded region', async () => {
      for (const region of h.SEED.regions) {
        const res = await h.mnaClient(port, KEYS.acmeRoot, { region }).GetDevicePayMode({ DeviceIdList: [ACME_DEVICES[1]] });
        expectPostpaid(res.Result, [ACME_DEVICES[1]]);
      }
    });

    it('works over TC3 GET with a flattened list (DeviceIdList.0, DeviceIdList.1)', async () => {
      const ids = [ACME_DEVICES[1], ACME_DEVICES[0]];
      const res = await h.mnaClient(port, KEYS.acmeRoot, { reqMethod: 'GET' }).GetDevicePayMode({ DeviceIdList: ids });
      expectPostpaid(res.Result, ids);
    });

    for (const signMethod of ['HmacSHA256', 'HmacSHA1']) {
      for (const reqMethod of ['POST', 'GET']) {
        it(`works with legacy ${signMethod} over ${reqMethod} (form-encoded list)`, async () => {
          const ids = [ACME_DEVICES[0], ACME_DEVICES[2]];
          const c = h.mnaClient(port, KEYS.acmeRoot, { signMethod, reqMethod });
          const res = await c.GetDevicePayMode({ DeviceIdList: ids });
          expectPostpaid(res.Result, ids);
          h.assertRequestId(res);
        });
      }
    }

    it('serves a sub-user with mna:*', async () => {
      const res = await h.mnaClient(port, KEYS.acmeMnaOps).GetDevicePayMode({ DeviceIdList: ACME_DEVICES });
      expectPostpaid(res.Result, ACME_DEVICES);
    });

    it('serves a sub-user with "*"', async () => {
      const res = await h.mnaClient(port, KEYS.acmeAdmin).GetDevicePayMode({ DeviceIdList: [ACME_DEVICES[0]] });
      expectPostpaid(res.Result, [ACME_DEVICES[0]]);
    });

    it('serves each account its own devices', async () => {
      const ids = globex.devices.map((d) => d.device_id);
      const res = await h.mnaClient(port, KEYS.globexRoot).GetDevicePayMode({ DeviceIdList: ids });
      expectPostpaid(res.Result, ids);
    });

    it('accepts a client language (X-TC-Language en-US / zh-CN)', async () => {
      for (const language of ['en-US', 'zh-CN']) {
        const res = await h.mnaClient(port, KEYS.acmeRoot, { language }).GetDevicePayMode({ DeviceIdList: [ACME_DEVICES[0]] });
        expectPostpaid(res.Result, [ACME_DEVICES[0]]);
      }
    });

    it('gives every reply a fresh RequestId', async () => {
      const c = h.mnaClient(port, KEYS.acmeRoot);
      const a = await c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICES[0]] });
      const b = await c.GetDevicePayMode({ DeviceIdList: [ACME_DEVICES[0]] });
      assert.notEqual(a.RequestId, b.RequestId);
    });
  });

  describe('reply wire format (raw fetch)', () => {
    it('answers 200, Content-Type exactly application/json, and echoes X-TC-TraceId', async () => {
      const traceId = 'sdk-conformance-trace-0001';
      const reply = await h.rawTc3(port, {
        action: 'GetDevicePayMode',
        body: JSON.stringify({ DeviceIdList: [ACME_DEVICES[0]] }),
        headers: { 'X-TC-TraceId': traceId },
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.headers.get('content-type'), 'application/json');
      assert.equal(reply.headers.get('x-tc-traceid'), traceId);
      assert.ok(reply.json, `body must be JSON: ${reply.text.slice(0, 300)}`);
      assert.deepEqual(Object.keys(reply.json), ['Response']);
      const r = reply.json.Response;
      assert.equal(r.Error, undefined, `unexpected error ${JSON.stringify(r.Error)}`);
      assert.match(r.RequestId, h.UUID_RE);
      expectPostpaid(r.Result, [ACME_DEVICES[0]]);
    });

    it('uses the same envelope, content type and trace echo for errors', async () => {
      const traceId = 'sdk-conformance-trace-0002';
      const reply = await h.rawTc3(port, {
        action: 'NoSuchActionAtAll',
        headers: { 'X-TC-TraceId': traceId },
      });
      h.assertRawError(reply, 'InvalidAction');
      assert.equal(reply.headers.get('x-tc-traceid'), traceId);
      assert.match(reply.json.Response.RequestId, h.UUID_RE);
    });

    it('echoes the trace id the SDK sends (visible on SDK errors as err.traceId)', async () => {
      const traceId = 'sdk-conformance-trace-0003';
      const c = h.mnaClient(port, KEYS.acmeRoot, { headers: { 'X-TC-TraceId': traceId } });
      const err = await h.expectCode(c.request('NoSuchActionAtAll', {}), 'InvalidAction');
      assert.equal(err.traceId, traceId);
    });

    it('accepts a hand-signed request that signs the Host header with its port', async () => {
      // Go/Python/C++ sign the Host header verbatim (with the port).
      const body = JSON.stringify({ DeviceIdList: [ACME_DEVICES[0]] });
      const timestamp = Math.floor(Date.now() / 1000);
      const authorization = h.tc3Authorization({
        method: 'POST', contentType: 'application/json', host: `127.0.0.1:${port}`, body, timestamp,
        secretId: KEYS.acmeRoot.secretId, secretKey: KEYS.acmeRoot.secretKey,
      });
      const reply = await h.rawTc3(port, { action: 'GetDevicePayMode', body, timestamp, authorization });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.Response.Error, undefined, JSON.stringify(reply.json.Response.Error));
      expectPostpaid(reply.json.Response.Result, [ACME_DEVICES[0]]);
    });
  });
});
