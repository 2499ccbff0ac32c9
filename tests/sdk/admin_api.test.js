'use strict';
// The operator's admin HTTP API (src/admin/admin_api.cc) against a real mnad:
// every endpoint, its refusals (exact status, code and field), and the state
// it leaves, read back through the admin GET endpoints and, where the change
// matters to API callers, through the official Node SDK (keys that sign,
// disabled keys, suspension, balances, vouchers, prices, regions, the clock).
//
// Servers: A (the admin seed below, --admin-token, --test-clock) carries most
// groups in order; each group leaves notes for later ones only through the
// store. Separate servers cover what would disturb A: no test clock and a
// generated token (N), --in-memory (M), a fresh import target (B) and reset (R).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TOKEN = `admin-api-test-token-${crypto.randomBytes(16).toString('hex')}`;
const A_ARGS = [...h.CONFORMANCE_ARGS, '--admin-token', TOKEN, '--test-clock'];

// ---------------------------------------------------------------- the seed

const AUDITOR_KEY_ID = 'AKIDadmBetaAuditor000000000000000001';
const UIN = {
  alpha: '400000000001',
  vendorco: '400000000002',
  beta: '400000000003',
  gamma: '400000000004',
  alphaOps: '400000000011',
};

const SEED = {
  version: 1,
  regions: ['ap-guangzhou', 'ap-shanghai'],
  prices: {
    license_fen: 20000,
    flow_packages_fen: { DEVICE_1_FLOW_20G: 3100, DEVICE_2_FLOW_50G: 6200, DEVICE_3_FLOW_100G: 10300, DEVICE_5_FLOW_500G: 40400 },
  },
  accounts: [
    {
      uin: UIN.alpha,
      app_id: 1300000401,
      name: 'alpha',
      identity_verified: true,
      service_authorized: true,
      suspended: false,
      vendor: null,
      balance_fen: 1000000,
      keys: [{ secret_id: 'AKIDadmAlphaRoot000000000000000000001', secret_key: 'adm-alpha-root-secret-00000000001' }],
      sub_users: [
        {
          uin: UIN.alphaOps,
          name: 'ops',
          allowed_actions: ['mna:*', 'billing:DescribeAccountBalance'],
          payment_allowed: true,
          keys: [{ secret_id: 'AKIDadmAlphaOps0000000000000000000001', secret_key: 'adm-alpha-ops-secret-000000000001' }],
        },
      ],
      vouchers: [],
      devices: Array.from({ length: 8 }, (_, i) => (
        { device_id: `mna-adm-a0${i + 1}`, name: `a-${i + 1}`, license_pay_mode: 1, remark: i === 0 ? 'first' : '' })),
      hardware: [],
    },
    {
      uin: UIN.vendorco,
      app_id: 1300000402,
      name: 'vendorco',
      identity_verified: true,
      service_authorized: true,
      vendor: { name: 'vendorco' },
      balance_fen: 0,
      keys: [{ secret_id: 'AKIDadmVendorcoRoot000000000000000001', secret_key: 'adm-vendorco-root-secret-000000001' }],
      sub_users: [],
      vouchers: [],
      devices: [],
      hardware: [{ hardware_id: 'cpe-adm0001', sn: 'VC-0001', license_charging_mode: 3, description: 'batch 1' }],
    },
    {
      uin: UIN.beta,
      app_id: 1300000403,
      name: 'beta',
      identity_verified: true,
      service_authorized: true,
      balance_fen: 5000,
      keys: [{ secret_id: 'AKIDadmBetaRoot0000000000000000000001', secret_key: 'adm-beta-root-secret-0000000000001' }],
      devices: [{ device_id: 'mna-adm-b01', name: 'b-1', license_pay_mode: 1 }],
    },
    {
      uin: UIN.gamma,
      app_id: 1300000404,
      name: 'gamma',
      identity_verified: true,
      service_authorized: true,
      balance_fen: 300,
      keys: [{ secret_id: 'AKIDadmGammaRoot000000000000000000001', secret_key: 'adm-gamma-root-secret-00000000001' }],
      vouchers: [{
        voucher_id: 'v-adm-gamma', nominal_fen: 1000, balance_fen: 700,
        begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z',
      }],
    },
  ],
};
const seedAccount = (uin) => SEED.accounts.find((a) => a.uin === uin);
const rootKey = (uin) => {
  const k = seedAccount(uin).keys[0];
  return { secretId: k.secret_id, secretKey: k.secret_key };
};
const K = {
  alpha: rootKey(UIN.alpha),
  alphaOps: { secretId: SEED.accounts[0].sub_users[0].keys[0].secret_id, secretKey: SEED.accounts[0].sub_users[0].keys[0].secret_key },
  vendorco: rootKey(UIN.vendorco),
  beta: rootKey(UIN.beta),
  gamma: rootKey(UIN.gamma),
};

// The Account object the admin API shows for a seed account (created_at aside).
function accountView(seed, overrides = {}) {
  return {
    uin: seed.uin,
    app_id: seed.app_id,
    name: seed.name,
    identity_verified: seed.identity_verified ?? false,
    service_authorized: seed.service_authorized ?? false,
    suspended: seed.suspended ?? false,
    vendor: seed.vendor ?? null,
    balance_fen: seed.balance_fen ?? 0,
    ...overrides,
  };
}

// ---------------------------------------------------------------- helpers

// The record without created_at, after checking that created_at is an
// RFC 3339 UTC time within `slackMs` of now.
function withoutCreatedAt(record, slackMs = 5 * 60 * 1000) {
  assert.match(record.created_at, TIME_RE, `created_at of ${JSON.stringify(record)}`);
  assert.ok(Math.abs(Date.parse(record.created_at) - Date.now()) < slackMs,
    `created_at ${record.created_at} is not about now`);
  const { created_at: _ignored, ...rest } = record;
  return rest;
}

const bySecretId = (a, b) => (a.secret_id < b.secret_id ? -1 : a.secret_id > b.secret_id ? 1 : 0);

// Waits until `predicate(stderr)` holds (log lines reach the pipe asynchronously).
async function waitForOutput(server, predicate, what, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate(server.output().stderr)) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\nstderr tail:\n${server.output().stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function adminLogLines(server) {
  return server.output().stderr.split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"kind":"admin"'))
    .map((l) => JSON.parse(l));
}

// Sends only a request head declaring `contentLength` body bytes and returns
// the raw reply (status line + headers + body) once the server closes.
function rawHead(adminUrl, method, urlPath, headers) {
  const { hostname, port } = new URL(adminUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => { data += d; });
    socket.on('error', (e) => (data ? resolve(data) : reject(e)));
    socket.on('end', () => resolve(data));
    socket.setTimeout(10000, () => { socket.destroy(); reject(new Error(`no reply; got ${data}`)); });
    const head = [`${method} ${urlPath} HTTP/1.1`, `Host: ${hostname}:${port}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    socket.write(head);
  });
}

// An export with every per-account list sorted by its id, so that two
// exports compare by content whatever order the store lists things in.
function normalisedExport(doc) {
  const byKey = (key) => (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);
  const sorted = (list, key) => [...list].sort(byKey(key));
  return {
    ...doc,
    accounts: doc.accounts.map((a) => ({
      ...a,
      keys: sorted(a.keys, 'secret_id'),
      sub_users: sorted(a.sub_users.map((u) => ({ ...u, keys: sorted(u.keys, 'secret_id') })), 'uin'),
      vouchers: sorted(a.vouchers, 'voucher_id'),
      devices: sorted(a.devices, 'device_id'),
      hardware: sorted(a.hardware, 'hardware_id'),
    })),
  };
}

// ================================================================ server A

describe('admin API (server A: admin seed, --admin-token, --test-clock)', () => {
  let A;
  let seedFile;
  const api = (method, urlPath, opts) => h.admin(A, method, urlPath, opts);
  const get = async (urlPath) => h.adminOk(await api('GET', urlPath));
  const mna = (cred, opts) => h.mnaClient(A.port, cred, opts);
  const billing = (cred, opts) => h.billingClient(A.port, cred, opts);
  const balanceFen = async (uin) => (await get(`/v1/accounts/${uin}/balance`)).balance_fen;
  const price = async () => (await get('/v1/prices')).prices.license_fen;
  // Every secret key this file saw (seeded, given or generated): none may reach the logs.
  const secrets = new Set();
  for (const a of SEED.accounts) {
    for (const k of [...(a.keys || []), ...(a.sub_users || []).flatMap((u) => u.keys || [])]) secrets.add(k.secret_key);
  }

  before(async () => {
    seedFile = h.writeSeed(SEED);
    A = await h.startServer({ seed: seedFile.path, extraArgs: A_ARGS });
    assert.ok(A.adminUrl, 'the admin listener line was printed');
    assert.equal(A.adminToken, TOKEN);
  });

  after(async () => {
    await h.stopAndAssertClean(A);
    if (seedFile) seedFile.remove();
  });

  // -------------------------------------------------------------- routing

  describe('routing, authentication and the error envelope', () => {
    it('GET /healthz answers 200 {"status":"ready"} without a token; other methods get 405', async () => {
      const r = await api('GET', '/healthz', { token: null });
      assert.deepEqual(h.adminOk(r), { status: 'ready' });
      h.adminError(await api('POST', '/healthz', { token: null }), 405, 'method_not_allowed');
    });

    const everyEndpoint = [
      ['GET', '/info'], ['GET', '/metrics'],
      ['GET', '/v1/accounts'], ['POST', '/v1/accounts'],
      ['GET', `/v1/accounts/${UIN.alpha}`], ['PATCH', `/v1/accounts/${UIN.alpha}`],
      ['GET', `/v1/accounts/${UIN.alpha}/keys`], ['POST', `/v1/accounts/${UIN.alpha}/keys`],
      ['PATCH', `/v1/keys/${K.alpha.secretId}`], ['DELETE', `/v1/keys/${K.alpha.secretId}`],
      ['GET', `/v1/accounts/${UIN.alpha}/sub-users`], ['POST', `/v1/accounts/${UIN.alpha}/sub-users`],
      ['PATCH', `/v1/accounts/${UIN.alpha}/sub-users/${UIN.alphaOps}`],
      ['GET', `/v1/accounts/${UIN.alpha}/balance`], ['POST', `/v1/accounts/${UIN.alpha}/balance/topup`],
      ['POST', `/v1/accounts/${UIN.alpha}/balance/adjust`],
      ['GET', `/v1/accounts/${UIN.alpha}/vouchers`], ['POST', `/v1/accounts/${UIN.alpha}/vouchers`],
      ['POST', `/v1/accounts/${UIN.gamma}/vouchers/v-adm-gamma/cancel`],
      ['GET', '/v1/prices'], ['PUT', '/v1/prices'],
      ['GET', `/v1/accounts/${UIN.alpha}/devices`], ['GET', `/v1/accounts/${UIN.vendorco}/hardware`],
      ['GET', `/v1/accounts/${UIN.alpha}/licenses`], ['GET', `/v1/accounts/${UIN.alpha}/orders`],
      ['GET', `/v1/accounts/${UIN.alpha}/flow-packages`], ['GET', `/v1/accounts/${UIN.alpha}/journal`],
      ['GET', '/v1/journal'], ['GET', '/v1/export'], ['POST', '/v1/import'], ['POST', '/v1/reset'],
      ['GET', '/v1/clock'], ['POST', '/v1/clock/freeze'], ['POST', '/v1/clock/advance'], ['POST', '/v1/clock/resume'],
    ];

    it('refuses every other endpoint without the right bearer token (401 unauthorized) and changes nothing', async () => {
      const exportBefore = await get('/v1/export');
      const clockBefore = (await get('/v1/clock')).clock;
      const bodies = {
        '/v1/reset': {},
        '/v1/clock/freeze': { at: '2031-01-01T00:00:00Z' },
        [`/v1/accounts/${UIN.alpha}/balance/topup`]: { amount_fen: 1, reason: 'x' },
        [`/v1/keys/${K.alpha.secretId}`]: { enabled: false },
      };
      const wrongs = [null, 'wrong-token-0000000000000000000000000000', `${TOKEN}x`, TOKEN.slice(0, -1)];
      for (const [method, urlPath] of everyEndpoint) {
        for (const token of wrongs) {
          const body = method === 'GET' ? undefined : (bodies[urlPath] || {});
          const r = await api(method, urlPath, { token, body });
          assert.equal(r.status, 401, `${method} ${urlPath} with token ${token}: ${r.text}`);
          h.adminError(r, 401, 'unauthorized');
        }
        // The token without the Bearer scheme, or another scheme.
        for (const authorization of [TOKEN, `Basic ${TOKEN}`, `bearer ${TOKEN}`]) {
          const r = await api(method, urlPath, { token: null, headers: { Authorization: authorization } });
          h.adminError(r, 401, 'unauthorized');
        }
      }
      assert.deepEqual(await get('/v1/export'), exportBefore, 'refused requests changed the state');
      assert.equal((await get('/v1/clock')).clock.frozen, clockBefore.frozen);
      assert.equal(await h.balanceOf(A.port, K.alpha), 1000000);
    });

    it('answers 404 not_found without a field for unknown paths', async () => {
      for (const p of ['/nothing', '/v1', '/v2/accounts', '/v1/accounts/x/y/z', '/v1/keys', '/v1/accounts/1/vouchers/v/uncancel',
        '/v1/accounts//balance/topup/extra']) {
        for (const method of ['GET', 'POST']) {
          h.adminError(await api(method, p, method === 'GET' ? {} : { body: {} }), 404, 'not_found');
        }
      }
    });

    it('answers 405 method_not_allowed for a known path with another method', async () => {
      const cases = [
        ['DELETE', '/v1/accounts'], ['PUT', `/v1/accounts/${UIN.alpha}`], ['DELETE', `/v1/accounts/${UIN.alpha}`],
        ['GET', `/v1/keys/${K.alpha.secretId}`], ['POST', `/v1/keys/${K.alpha.secretId}`],
        ['DELETE', `/v1/accounts/${UIN.alpha}/keys`], ['GET', `/v1/accounts/${UIN.alpha}/sub-users/${UIN.alphaOps}`],
        ['POST', `/v1/accounts/${UIN.alpha}/balance`], ['GET', `/v1/accounts/${UIN.alpha}/balance/topup`],
        ['GET', `/v1/accounts/${UIN.alpha}/balance/adjust`], ['GET', `/v1/accounts/${UIN.gamma}/vouchers/v-adm-gamma/cancel`],
        ['POST', '/v1/prices'], ['PATCH', '/v1/prices'], ['POST', `/v1/accounts/${UIN.alpha}/devices`],
        ['POST', `/v1/accounts/${UIN.alpha}/journal`], ['POST', '/v1/journal'], ['POST', '/v1/export'],
        ['GET', '/v1/import'], ['GET', '/v1/reset'], ['POST', '/v1/clock'], ['GET', '/v1/clock/freeze'],
        ['GET', '/v1/clock/advance'], ['GET', '/v1/clock/resume'], ['POST', '/info'], ['DELETE', '/metrics'],
      ];
      for (const [method, p] of cases) {
        const r = await api(method, p, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
        h.adminError(r, 405, 'method_not_allowed');
      }
      // Nothing was deleted by the refused DELETE.
      assert.equal((await get('/v1/accounts')).accounts.length, 4);
    });

    it('answers 400 invalid_json (no field) when the body is not one JSON object', async () => {
      const accountsBefore = await get('/v1/accounts');
      for (const rawBody of ['[]', '"text"', '42', 'null', '{"uin":', '{} {}', 'not json', '[{"uin":"1"}]']) {
        h.adminError(await api('POST', '/v1/accounts', { rawBody }), 400, 'invalid_json');
        h.adminError(await api('PUT', '/v1/prices', { rawBody }), 400, 'invalid_json');
        h.adminError(await api('POST', '/v1/reset', { rawBody }), 400, 'invalid_json');
        h.adminError(await api('PATCH', `/v1/keys/${K.alpha.secretId}`, { rawBody }), 400, 'invalid_json');
      }
      assert.deepEqual(await get('/v1/accounts'), accountsBefore);
    });

    it('answers 413 too_large for a body above the limit', async () => {
      const reply = await rawHead(A.adminUrl, 'POST', '/v1/import', {
        Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': String(64 * 1024 * 1024),
      });
      assert.match(reply, /^HTTP\/1\.1 413 /, reply.slice(0, 300));
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
      assert.equal(body.error.code, 'too_large');
      assert.ok(!('field' in body.error));
      assert.equal((await get('/v1/accounts')).accounts.length, 4);
    });
  });

  // -------------------------------------------------------------- /info

  describe('GET /info', () => {
    it('reports version, uptime, the store, exact entity counts and the test clock', async () => {
      const info = await get('/info');
      assert.deepEqual(Object.keys(info).sort(),
        ['commits', 'counts', 'requests', 'store', 'test_clock', 'uptime_seconds', 'version', 'writes_committed']);
      assert.equal(typeof info.version, 'string');
      assert.match(info.version, /^\d+\.\d+\.\d+/);
      assert.ok(Number.isInteger(info.uptime_seconds) && info.uptime_seconds >= 0 && info.uptime_seconds < 600);
      assert.deepEqual(info.store, h.expectedStoreInfo(A.dataDir));
      assert.equal(info.test_clock, true);
      assert.ok(Number.isInteger(info.requests) && info.requests >= 0);
      assert.ok(Number.isInteger(info.writes_committed) && info.writes_committed >= 1);
      assert.ok(Number.isInteger(info.commits) && info.commits >= 1 && info.commits <= info.writes_committed);
      // No write went through A yet (the routing tests only were refused).
      assert.deepEqual(info.counts, {
        accounts: 4, sub_users: 1, api_keys: 5, vouchers: 1, devices: 9, hardware: 1,
        licenses: 0, orders: 0, flow_packages: 0, journal: 4,
      });
    });

    it('counts API requests and committed writes as they happen', async () => {
      const before = await get('/info');
      await h.balanceOf(A.port, K.gamma);
      await h.balanceOf(A.port, K.gamma);
      h.adminOk(await api('POST', `/v1/accounts/${UIN.vendorco}/balance/topup`, { body: { amount_fen: 1, reason: 'info' } }));
      h.adminOk(await api('POST', `/v1/accounts/${UIN.vendorco}/balance/adjust`, { body: { delta_fen: -1, reason: 'info' } }));
      const afterInfo = await get('/info');
      assert.equal(afterInfo.requests - before.requests, 2);
      assert.equal(afterInfo.writes_committed - before.writes_committed, 2);
      assert.equal(afterInfo.counts.journal - before.counts.journal, 2);
    });
  });

  // -------------------------------------------------------------- accounts

  describe('accounts: GET/POST /v1/accounts, GET/PATCH /v1/accounts/{uin}', () => {
    const NEWCO = {
      uin: '400000000101',
      app_id: 1300000501,
      name: 'newco',
      identity_verified: true,
      service_authorized: true,
      balance_fen: 7000,
      keys: [{ secret_id: 'AKIDadmNewcoRoot000000000000000000001', secret_key: 'adm-newco-root-secret-00000000001' }],
      sub_users: [{
        uin: '400000000111', name: 'reader', allowed_actions: ['billing:*'],
        keys: [{ secret_id: 'AKIDadmNewcoReader0000000000000000001', secret_key: 'adm-newco-reader-secret-000000001' }],
      }],
      vouchers: [{ voucher_id: 'v-adm-newco1', nominal_fen: 3000, begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z' }],
      devices: [{ device_id: 'mna-adm-n01', name: 'n-1', license_pay_mode: 1 }],
    };
    const newcoRoot = { secretId: NEWCO.keys[0].secret_id, secretKey: NEWCO.keys[0].secret_key };
    const newcoReader = { secretId: NEWCO.sub_users[0].keys[0].secret_id, secretKey: NEWCO.sub_users[0].keys[0].secret_key };
    for (const k of [newcoRoot, newcoReader]) secrets.add(k.secretKey);

    it('GET /v1/accounts lists every account, sorted by uin, with the documented fields', async () => {
      const { accounts, ...rest } = await get('/v1/accounts');
      assert.deepEqual(rest, {});
      assert.deepEqual(accounts.map((a) => a.uin), [UIN.alpha, UIN.vendorco, UIN.beta, UIN.gamma]);
      for (const a of accounts) {
        assert.deepEqual(withoutCreatedAt(a), accountView(seedAccount(a.uin)));
      }
    });

    it('POST /v1/accounts creates the account with keys, sub-users, vouchers and devices (201); they work through the SDK', async () => {
      const reply = h.adminOk(await api('POST', '/v1/accounts', { body: NEWCO }), 201);
      assert.deepEqual(Object.keys(reply).sort(), ['account', 'created']);
      assert.deepEqual(withoutCreatedAt(reply.account), accountView(NEWCO));
      assert.deepEqual(reply.created, {
        accounts: { created: 1, skipped: 0 },
        keys: { created: 2, skipped: 0 },
        sub_users: { created: 1, skipped: 0 },
        vouchers: { created: 1, skipped: 0 },
        devices: { created: 1, skipped: 0 },
        hardware: { created: 0, skipped: 0 },
      });

      // The new keys sign API calls at once.
      assert.equal(await h.balanceOf(A.port, newcoRoot), 7000);
      assert.equal(await h.balanceOf(A.port, newcoReader), 7000);
      await h.expectCode(mna(newcoReader).GetDevices({ PageNumber: -1, PageSize: -1 }), 'AuthFailure.UnauthorizedOperation');
      const devices = await mna(newcoRoot).GetDevices({ PageNumber: -1, PageSize: -1 });
      assert.deepEqual(devices.DeviceInfos.map((d) => d.DeviceId), ['mna-adm-n01']);
      const vouchers = await h.vouchersOf(A.port, newcoRoot);
      assert.deepEqual(Object.keys(vouchers), ['v-adm-newco1']);
      assert.equal(vouchers['v-adm-newco1'].balance, 3000);
      assert.equal(vouchers['v-adm-newco1'].status, 'unUsed');

      // Listed in uin order; the opening balance and the voucher are journaled.
      assert.deepEqual((await get('/v1/accounts')).accounts.map((a) => a.uin),
        [UIN.alpha, UIN.vendorco, UIN.beta, UIN.gamma, NEWCO.uin]);
      const { journal } = await get(`/v1/accounts/${NEWCO.uin}/journal`);
      assert.equal(journal.length, 2);
      for (const e of journal) {
        assert.ok(Number.isInteger(e.entry_id));
        assert.match(e.at, TIME_RE);
      }
      assert.ok(journal[0].entry_id < journal[1].entry_id);
      assert.deepEqual(journal.map(({ entry_id: _e, at: _a, ...rest }) => rest), [
        { account_uin: NEWCO.uin, voucher_id: null, delta_fen: 7000, balance_after_fen: 7000, action: 'OpeningBalance', reason: 'admin: opening balance', order_id: null },
        { account_uin: NEWCO.uin, voucher_id: 'v-adm-newco1', delta_fen: 3000, balance_after_fen: 3000, action: 'VoucherIssued', reason: 'admin: voucher issued', order_id: null },
      ]);
    });

    it('GET /v1/accounts/{uin} shows the account, its keys without secrets, its sub-users and vouchers', async () => {
      const shown = await get(`/v1/accounts/${NEWCO.uin}`);
      assert.deepEqual(Object.keys(shown).sort(), ['account', 'keys', 'sub_users', 'vouchers']);
      assert.deepEqual(withoutCreatedAt(shown.account), accountView(NEWCO));
      assert.deepEqual(shown.keys.map((k) => withoutCreatedAt(k)).sort(bySecretId), [
        { secret_id: newcoRoot.secretId, account_uin: NEWCO.uin, sub_user_uin: null, enabled: true },
        { secret_id: newcoReader.secretId, account_uin: NEWCO.uin, sub_user_uin: '400000000111', enabled: true },
      ].sort(bySecretId));
      assert.deepEqual(shown.sub_users, [
        { uin: '400000000111', name: 'reader', allowed_actions: ['billing:*'], payment_allowed: false, keys: [newcoReader.secretId] },
      ]);
      assert.deepEqual(shown.vouchers.map((v) => withoutCreatedAt(v)), [{
        voucher_id: 'v-adm-newco1', cash: false, nominal_fen: 3000, balance_fen: 3000, threshold_fen: 0,
        begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z', products: ['mna'], status: 'unUsed',
        account_uin: NEWCO.uin,
      }]);
      const raw = await api('GET', `/v1/accounts/${NEWCO.uin}`);
      assert.ok(!raw.text.includes(newcoRoot.secretKey) && !raw.text.includes(newcoReader.secretKey), 'no secret_key in GET');

      // A seeded account too.
      const alpha = await get(`/v1/accounts/${UIN.alpha}`);
      assert.deepEqual(withoutCreatedAt(alpha.account), accountView(seedAccount(UIN.alpha)));
      assert.deepEqual(alpha.keys.map((k) => withoutCreatedAt(k)).sort(bySecretId), [
        { secret_id: K.alpha.secretId, account_uin: UIN.alpha, sub_user_uin: null, enabled: true },
        { secret_id: K.alphaOps.secretId, account_uin: UIN.alpha, sub_user_uin: UIN.alphaOps, enabled: true },
      ].sort(bySecretId));
      assert.deepEqual(alpha.sub_users, [{
        uin: UIN.alphaOps, name: 'ops', allowed_actions: ['mna:*', 'billing:DescribeAccountBalance'], payment_allowed: true,
        keys: [K.alphaOps.secretId],
      }]);
      assert.deepEqual(alpha.vouchers, []);

      h.adminError(await api('GET', '/v1/accounts/499999999999'), 404, 'not_found', 'uin');
      h.adminError(await api('GET', '/v1/accounts/not-a-uin'), 404, 'not_found', 'uin');
    });

    it('refuses an existing uin with 409 conflict (field uin) and leaves the account as it was', async () => {
      const before = await get(`/v1/accounts/${UIN.alpha}`);
      const r = await api('POST', '/v1/accounts', {
        body: { uin: UIN.alpha, app_id: 1300000999, name: 'impostor', balance_fen: 1, keys: [{ secret_id: 'AKIDadmImpostor00000000000000000000001', secret_key: 'adm-impostor-secret-0000000000001' }] },
      });
      h.adminError(r, 409, 'conflict', 'uin');
      assert.deepEqual(await get(`/v1/accounts/${UIN.alpha}`), before);
      await h.expectCode(h.billingClient(A.port, { secretId: 'AKIDadmImpostor00000000000000000000001', secretKey: 'adm-impostor-secret-0000000000001' })
        .DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
    });

    it('refuses a nested key whose secret_id exists with 409 conflict (field keys) and creates nothing at all', async () => {
      const countsBefore = (await get('/info')).counts;
      const exportBefore = await get('/v1/export');
      const attempts = [
        // A root key that belongs to alpha.
        {
          uin: '400000000102', app_id: 1300000502, name: 'dupkey', balance_fen: 100,
          keys: [{ secret_id: 'AKIDadmDupFresh00000000000000000000001', secret_key: 'adm-dup-fresh-secret-00000000001' },
            { secret_id: K.alpha.secretId, secret_key: 'a-different-secret-000000000000001' }],
          vouchers: [{ voucher_id: 'v-adm-dup', nominal_fen: 10, begin_time: '2020-01-01T00:00:00Z', end_time: '2099-01-01T00:00:00Z' }],
          devices: [{ name: 'dup-1' }],
        },
        // A sub-user key that belongs to alpha's sub-user.
        {
          uin: '400000000102', app_id: 1300000502, name: 'dupkey',
          sub_users: [{ uin: '400000000112', name: 'dup', allowed_actions: ['*'], keys: [{ secret_id: K.alphaOps.secretId, secret_key: 'a-different-secret-000000000000002' }] }],
        },
      ];
      for (const body of attempts) {
        h.adminError(await api('POST', '/v1/accounts', { body }), 409, 'conflict', 'keys');
        h.adminError(await api('GET', '/v1/accounts/400000000102'), 404, 'not_found', 'uin');
      }
      assert.deepEqual((await get('/info')).counts, countsBefore);
      assert.deepEqual(await get('/v1/export'), exportBefore);
      // The existing keys kept their secrets; the fresh one was not created.
      assert.equal(await h.balanceOf(A.port, K.alpha), await balanceFen(UIN.alpha));
      assert.equal(await h.balanceOf(A.port, K.alphaOps), await balanceFen(UIN.alpha));
      await h.expectCode(billing({ secretId: 'AKIDadmDupFresh00000000000000000000001', secretKey: 'adm-dup-fresh-secret-00000000001' })
        .DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
    });

    it('rejects bad fields with 400 invalid_field naming the JSON path, and creates nothing', async () => {
      const base = { uin: '400000000103', app_id: 1300000503, name: 'badco' };
      const { uin: _u, ...noUin } = base;
      const { app_id: _a, ...noAppId } = base;
      const { name: _n, ...noName } = base;
      const okVoucher = { voucher_id: 'v-adm-bad', nominal_fen: 10, begin_time: '2020-01-01T00:00:00Z', end_time: '2099-01-01T00:00:00Z' };
      const cases = [
        [noUin, 'uin'],
        [noAppId, 'app_id'],
        [noName, 'name'],
        [{ ...base, uin: 400000000103 }, 'uin'],
        [{ ...base, uin: '4000abc' }, 'uin'],
        [{ ...base, app_id: 'x' }, 'app_id'],
        [{ ...base, app_id: 0 }, 'app_id'],
        [{ ...base, name: 7 }, 'name'],
        [{ ...base, identity_verified: 'yes' }, 'identity_verified'],
        [{ ...base, balance_fen: -1 }, 'balance_fen'],
        [{ ...base, balance_fen: 1.5 }, 'balance_fen'],
        [{ ...base, vendor: { name: '' } }, 'vendor.name'],
        [{ ...base, vendor: { name: 'x', colour: 'red' } }, 'vendor.colour'],
        [{ ...base, keys: [{ secret_id: 'AKIDadmBad000000000000000000000000001' }] }, 'keys[0].secret_key'],
        [{ ...base, keys: [{ secret_key: 'adm-bad-secret-0000000000000001' }] }, 'keys[0].secret_id'],
        [{ ...base, keys: [{ secret_id: 'AKIDadmBad1', secret_key: 'adm-bad-secret-00000001' }, { secret_id: 'AKIDadmBad2', secret_key: 5 }] }, 'keys[1].secret_key'],
        [{ ...base, keys: {} }, 'keys'],
        [{ ...base, sub_users: [{ uin: '400000000113', name: 's', allowed_actions: ['nope'] }] }, 'sub_users[0].allowed_actions[0]'],
        [{ ...base, sub_users: [{ uin: '400000000113', name: 's' }] }, 'sub_users[0].allowed_actions'],
        [{ ...base, vouchers: [{ ...okVoucher, end_time: '2019-12-31T23:59:59Z' }] }, 'vouchers[0].end_time'],
        [{ ...base, vouchers: [okVoucher, { ...okVoucher, voucher_id: 'v-adm-bad2', begin_time: 'soon' }] }, 'vouchers[1].begin_time'],
        [{ ...base, vouchers: [{ ...okVoucher, nominal_fen: undefined }] }, 'vouchers[0].nominal_fen'],
        [{ ...base, devices: [{ name: 'd', license_pay_mode: 2 }] }, 'devices[0].license_pay_mode'],
      ];
      for (const [body, field] of cases) {
        const e = h.adminError(await api('POST', '/v1/accounts', { body }), 400, 'invalid_field', field);
        assert.ok(e.message.length > 0);
      }
      // Unknown fields, at the top and nested.
      for (const [body, field] of [
        [{ ...base, colour: 'red' }, 'colour'],
        [{ ...base, keys: [{ secret_id: 'AKIDadmBad1', secret_key: 'adm-bad-secret-00000001', colour: 'red' }] }, 'keys[0].colour'],
        [{ ...base, vouchers: [{ ...okVoucher, colour: 'red' }] }, 'vouchers[0].colour'],
      ]) {
        const e = h.adminError(await api('POST', '/v1/accounts', { body }), 400, 'invalid_field', field);
        assert.equal(e.message, 'is not a known field');
      }
      h.adminError(await api('GET', '/v1/accounts/400000000103'), 404, 'not_found', 'uin');
      assert.equal((await get('/v1/accounts')).accounts.length, 5);
    });

    it('PATCH /v1/accounts/{uin} changes name and app_id and answers the account', async () => {
      const before = await get(`/v1/accounts/${UIN.beta}`);
      const reply = h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { name: 'beta-renamed', app_id: 1300000999 } }));
      assert.deepEqual(Object.keys(reply), ['account']);
      const want = { ...before.account, name: 'beta-renamed', app_id: 1300000999 };
      assert.deepEqual(reply.account, want);
      assert.deepEqual((await get(`/v1/accounts/${UIN.beta}`)).account, want);
      // Back, so that export/import below compare a known state.
      h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { name: 'beta', app_id: 1300000403 } }));
      assert.deepEqual((await get(`/v1/accounts/${UIN.beta}`)).account, before.account);
    });

    it('PATCH suspended takes effect for API calls at once (UnauthorizedOperation), and lifting it too', async () => {
      assert.equal(await h.balanceOf(A.port, K.gamma), 300); // cached credential
      const r = h.adminOk(await api('PATCH', `/v1/accounts/${UIN.gamma}`, { body: { suspended: true } }));
      assert.equal(r.account.suspended, true);
      await h.expectCode(billing(K.gamma).DescribeAccountBalance({}), 'UnauthorizedOperation');
      await h.expectCode(mna(K.gamma).GetDevices({ PageNumber: -1, PageSize: -1 }), 'UnauthorizedOperation');
      assert.equal((await get(`/v1/accounts/${UIN.gamma}`)).account.suspended, true);
      h.adminOk(await api('PATCH', `/v1/accounts/${UIN.gamma}`, { body: { suspended: false } }));
      assert.equal(await h.balanceOf(A.port, K.gamma), 300);
    });

    it('PATCH identity_verified and service_authorized change what OrderPerLicense answers', async () => {
      const order = () => mna(K.beta).OrderPerLicense({ DeviceId: 'mna-adm-b01', Type: 0, RollBack: false });
      // Beta (5000 fen) cannot afford a license: the balance check is the last one.
      await h.expectCode(order(), 'OperationDenied.InsufficientBalance');
      h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { identity_verified: false } }));
      await h.expectCode(order(), 'OperationDenied.UnauthorizedUser');
      h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { service_authorized: false } }));
      await h.expectCode(order(), 'UnauthorizedOperation.NoPermission');
      const r = h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { identity_verified: true, service_authorized: true } }));
      assert.equal(r.account.identity_verified, true);
      assert.equal(r.account.service_authorized, true);
      await h.expectCode(order(), 'OperationDenied.InsufficientBalance');
      assert.equal(await balanceFen(UIN.beta), 5000);
    });

    it('PATCH vendor: set and clear; another account\'s vendor name is 409 vendor.name; clearing a vendor with hardware is 409 vendor', async () => {
      const set = h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { vendor: { name: 'betavend' } } }));
      assert.deepEqual(set.account.vendor, { name: 'betavend' });
      assert.deepEqual((await get(`/v1/accounts/${UIN.beta}`)).account.vendor, { name: 'betavend' });
      const cleared = h.adminOk(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { vendor: null } }));
      assert.equal(cleared.account.vendor, null);
      assert.equal((await get(`/v1/accounts/${UIN.beta}`)).account.vendor, null);

      h.adminError(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: { vendor: { name: 'vendorco' } } }), 409, 'conflict', 'vendor.name');
      assert.equal((await get(`/v1/accounts/${UIN.beta}`)).account.vendor, null);
      // Renaming to its own vendor name is no conflict.
      const same = h.adminOk(await api('PATCH', `/v1/accounts/${UIN.vendorco}`, { body: { vendor: { name: 'vendorco' } } }));
      assert.deepEqual(same.account.vendor, { name: 'vendorco' });

      h.adminError(await api('PATCH', `/v1/accounts/${UIN.vendorco}`, { body: { vendor: null } }), 409, 'conflict', 'vendor');
      assert.deepEqual((await get(`/v1/accounts/${UIN.vendorco}`)).account.vendor, { name: 'vendorco' });
      // A conflict in one field leaves the others of the same PATCH undone.
      h.adminError(await api('PATCH', `/v1/accounts/${UIN.vendorco}`, { body: { name: 'renamed', vendor: null } }), 409, 'conflict', 'vendor');
      assert.equal((await get(`/v1/accounts/${UIN.vendorco}`)).account.name, 'vendorco');
    });

    it('POST and import refuse a vendor name another account holds and a sub-user UIN that is an account (409, nothing created)', async () => {
      const before = await get('/v1/export');
      h.adminError(await api('POST', '/v1/accounts', { body: { uin: '480000000001', app_id: 5, name: 'v2', vendor: { name: 'vendorco' } } }),
        409, 'conflict', 'vendor.name');
      h.adminError(await api('POST', '/v1/accounts', {
        body: { uin: '480000000002', app_id: 5, name: 'v3', sub_users: [{ uin: UIN.beta, name: 'x', allowed_actions: ['*'] }] },
      }), 409, 'conflict', 'sub_users[0].uin');
      h.adminError(await api('POST', '/v1/import', {
        body: { version: 1, accounts: [{ uin: '480000000003', app_id: 5, name: 'ok' }, { uin: '480000000004', app_id: 5, name: 'v4', vendor: { name: 'vendorco' } }] },
      }), 409, 'conflict', 'accounts[1].vendor.name');
      h.adminError(await api('POST', '/v1/import', {
        body: { version: 1, accounts: [{ uin: '480000000005', app_id: 5, name: 'v5', sub_users: [{ uin: UIN.beta, name: 'x', allowed_actions: ['*'] }] }] },
      }), 409, 'conflict', 'accounts[0].sub_users[0].uin');
      assert.deepEqual(await get('/v1/export'), before);
    });

    it('PATCH refuses an empty body (400 without field), bad and unknown fields (400 with field), unknown accounts (404 uin)', async () => {
      const before = await get(`/v1/accounts/${UIN.beta}`);
      h.adminError(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body: {} }), 400, 'invalid_field');
      h.adminError(await api('PATCH', `/v1/accounts/${UIN.beta}`), 400, 'invalid_field');
      for (const [body, field] of [
        [{ colour: 'red' }, 'colour'],
        [{ name: 5 }, 'name'],
        [{ app_id: 0 }, 'app_id'],
        [{ app_id: '1' }, 'app_id'],
        [{ suspended: 'yes' }, 'suspended'],
        [{ identity_verified: 1 }, 'identity_verified'],
        [{ service_authorized: null }, 'service_authorized'],
        [{ vendor: { name: '' } }, 'vendor.name'],
        [{ vendor: { name: 'x', colour: 1 } }, 'vendor.colour'],
        [{ vendor: 'x' }, 'vendor'],
        [{ uin: '1' }, 'uin'],
        [{ balance_fen: 1 }, 'balance_fen'],
        [{ name: 'ok', colour: 'red' }, 'colour'],
      ]) {
        h.adminError(await api('PATCH', `/v1/accounts/${UIN.beta}`, { body }), 400, 'invalid_field', field);
      }
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}`), before);
      h.adminError(await api('PATCH', '/v1/accounts/499999999999', { body: { name: 'x' } }), 404, 'not_found', 'uin');
      h.adminError(await api('GET', '/v1/accounts/499999999999'), 404, 'not_found', 'uin');
    });
  });

  // -------------------------------------------------------------- sub-users

  describe('sub-users: GET/POST /v1/accounts/{uin}/sub-users, PATCH .../sub-users/{sub_uin}', () => {
    const AUDITOR = {
      uin: '400000000031', name: 'auditor', allowed_actions: ['billing:DescribeAccountBalance'],
      keys: [{ secret_id: AUDITOR_KEY_ID, secret_key: 'adm-beta-auditor-secret-000000001' }],
    };
    const auditorKey = { secretId: AUDITOR.keys[0].secret_id, secretKey: AUDITOR.keys[0].secret_key };
    secrets.add(auditorKey.secretKey);

    it('GET lists the sub-users with their permissions and key ids', async () => {
      assert.deepEqual(await get(`/v1/accounts/${UIN.alpha}/sub-users`), {
        sub_users: [{
          uin: UIN.alphaOps, name: 'ops', allowed_actions: ['mna:*', 'billing:DescribeAccountBalance'],
          payment_allowed: true, keys: [K.alphaOps.secretId],
        }],
      });
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}/sub-users`), { sub_users: [] });
      h.adminError(await api('GET', '/v1/accounts/499999999999/sub-users'), 404, 'not_found', 'uin');
    });

    it('POST creates a sub-user (201) whose key works with exactly its permissions', async () => {
      const reply = h.adminOk(await api('POST', `/v1/accounts/${UIN.beta}/sub-users`, { body: AUDITOR }), 201);
      const want = {
        uin: AUDITOR.uin, name: 'auditor', allowed_actions: ['billing:DescribeAccountBalance'], payment_allowed: false,
        keys: [auditorKey.secretId],
      };
      assert.deepEqual(reply, { sub_user: want });
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}/sub-users`), { sub_users: [want] });
      assert.equal(await h.balanceOf(A.port, auditorKey), 5000, 'the sub-user sees its root account\'s balance');
      await h.expectCode(mna(auditorKey).GetDevices({ PageNumber: -1, PageSize: -1 }), 'AuthFailure.UnauthorizedOperation');
      const keys = (await get(`/v1/accounts/${UIN.beta}/keys`)).keys;
      assert.deepEqual(keys.find((k) => k.secret_id === auditorKey.secretId).sub_user_uin, AUDITOR.uin);
    });

    it('POST without keys and with payment_allowed creates it as given', async () => {
      const body = { uin: '400000000032', name: 'payer', allowed_actions: ['mna:OrderPerLicense', '*'], payment_allowed: true };
      const reply = h.adminOk(await api('POST', `/v1/accounts/${UIN.beta}/sub-users`, { body }), 201);
      assert.deepEqual(reply, { sub_user: { ...body, keys: [] } });
    });

    it('POST refuses an existing sub-user uin or an account uin (409 uin), bad fields (400), unknown accounts (404 uin)', async () => {
      const before = await get('/v1/export');
      h.adminError(await api('POST', `/v1/accounts/${UIN.beta}/sub-users`, { body: { ...AUDITOR, keys: [] } }), 409, 'conflict', 'uin');
      // The same sub-user uin under another account.
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/sub-users`, { body: { ...AUDITOR, keys: [] } }), 409, 'conflict', 'uin');
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/sub-users`, { body: { uin: UIN.alphaOps, name: 'x', allowed_actions: ['*'] } }), 409, 'conflict', 'uin');
      // An account's uin.
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/sub-users`, { body: { uin: UIN.beta, name: 'x', allowed_actions: ['*'] } }), 409, 'conflict', 'uin');
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/sub-users`, { body: { uin: UIN.gamma, name: 'x', allowed_actions: ['*'] } }), 409, 'conflict', 'uin');
      // A key that exists: nothing created.
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/sub-users`, {
        body: { uin: '400000000041', name: 'x', allowed_actions: ['*'], keys: [{ secret_id: K.alpha.secretId, secret_key: 'other-secret-00000000000000001' }] },
      }), 409, 'conflict', 'keys');
      for (const [body, field] of [
        [{ uin: '400000000042', name: 'x', allowed_actions: ['bogus'] }, 'allowed_actions[0]'],
        [{ uin: '400000000042', name: 'x', allowed_actions: ['mna:*', 'mna'] }, 'allowed_actions[1]'],
        [{ uin: '400000000042', name: 'x', allowed_actions: [''] }, 'allowed_actions[0]'],
        [{ uin: '400000000042', name: 'x', allowed_actions: 'mna:*' }, 'allowed_actions'],
        [{ uin: '400000000042', name: 'x' }, 'allowed_actions'],
        [{ uin: '400000000042', allowed_actions: ['*'] }, 'name'],
        [{ name: 'x', allowed_actions: ['*'] }, 'uin'],
        [{ uin: 'x42', name: 'x', allowed_actions: ['*'] }, 'uin'],
        [{ uin: '400000000042', name: 'x', allowed_actions: ['*'], payment_allowed: 'yes' }, 'payment_allowed'],
        [{ uin: '400000000042', name: 'x', allowed_actions: ['*'], keys: [{ secret_id: 'AKIDadmX' }] }, 'keys[0].secret_key'],
        [{ uin: '400000000042', name: 'x', allowed_actions: ['*'], colour: 'red' }, 'colour'],
      ]) {
        h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/sub-users`, { body }), 400, 'invalid_field', field);
      }
      h.adminError(await api('POST', '/v1/accounts/499999999999/sub-users', { body: { uin: '400000000042', name: 'x', allowed_actions: ['*'] } }),
        404, 'not_found', 'uin');
      assert.deepEqual(await get('/v1/export'), before);
      assert.deepEqual(await get(`/v1/accounts/${UIN.gamma}/sub-users`), { sub_users: [] });
    });

    it('PATCH changes permissions with immediate effect on signed calls, and name and payment_allowed', async () => {
      const url = `/v1/accounts/${UIN.beta}/sub-users/${AUDITOR.uin}`;
      const r1 = h.adminOk(await api('PATCH', url, { body: { allowed_actions: ['mna:*'] } }));
      assert.deepEqual(r1, {
        sub_user: { uin: AUDITOR.uin, name: 'auditor', allowed_actions: ['mna:*'], payment_allowed: false, keys: [auditorKey.secretId] },
      });
      const devices = await mna(auditorKey).GetDevices({ PageNumber: -1, PageSize: -1 });
      assert.deepEqual(devices.DeviceInfos.map((d) => d.DeviceId), ['mna-adm-b01']);
      await h.expectCode(billing(auditorKey).DescribeAccountBalance({}), 'AuthFailure.UnauthorizedOperation');

      const r2 = h.adminOk(await api('PATCH', url, { body: { name: 'auditor-2', payment_allowed: true } }));
      const want = { uin: AUDITOR.uin, name: 'auditor-2', allowed_actions: ['mna:*'], payment_allowed: true, keys: [auditorKey.secretId] };
      assert.deepEqual(r2, { sub_user: want });
      const listed = (await get(`/v1/accounts/${UIN.beta}/sub-users`)).sub_users;
      assert.deepEqual(listed.find((u) => u.uin === AUDITOR.uin), want);

      // payment_allowed matters: with it, the sub-user reaches the balance check.
      await h.expectCode(mna(auditorKey).OrderPerLicense({ DeviceId: 'mna-adm-b01', Type: 0, RollBack: false }),
        'OperationDenied.InsufficientBalance');
      h.adminOk(await api('PATCH', url, { body: { payment_allowed: false } }));
      await h.expectCode(mna(auditorKey).OrderPerLicense({ DeviceId: 'mna-adm-b01', Type: 0, RollBack: false }),
        'OperationDenied.NotAllowedToPay');
    });

    it('PATCH refuses unknown sub-users (404 sub_user_uin), unknown accounts (404 uin), empty and bad bodies (400)', async () => {
      const before = await get(`/v1/accounts/${UIN.beta}/sub-users`);
      h.adminError(await api('PATCH', `/v1/accounts/${UIN.beta}/sub-users/400000000099`, { body: { name: 'x' } }), 404, 'not_found', 'sub_user_uin');
      // Another account's sub-user is not found under this account.
      h.adminError(await api('PATCH', `/v1/accounts/${UIN.beta}/sub-users/${UIN.alphaOps}`, { body: { name: 'x' } }), 404, 'not_found', 'sub_user_uin');
      h.adminError(await api('PATCH', `/v1/accounts/499999999999/sub-users/${AUDITOR.uin}`, { body: { name: 'x' } }), 404, 'not_found', 'uin');
      const url = `/v1/accounts/${UIN.beta}/sub-users/${AUDITOR.uin}`;
      h.adminError(await api('PATCH', url, { body: {} }), 400, 'invalid_field');
      for (const [body, field] of [
        [{ allowed_actions: ['x'] }, 'allowed_actions[0]'],
        [{ allowed_actions: ['*', 'billing:'] }, 'allowed_actions[1]'],
        [{ name: 1 }, 'name'],
        [{ payment_allowed: 'no' }, 'payment_allowed'],
        [{ uin: '1' }, 'uin'],
        [{ keys: [] }, 'keys'],
      ]) {
        h.adminError(await api('PATCH', url, { body }), 400, 'invalid_field', field);
      }
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}/sub-users`), before);
      assert.deepEqual(await get(`/v1/accounts/${UIN.alpha}/sub-users`), {
        sub_users: [{ uin: UIN.alphaOps, name: 'ops', allowed_actions: ['mna:*', 'billing:DescribeAccountBalance'], payment_allowed: true, keys: [K.alphaOps.secretId] }],
      });
    });
  });

  // -------------------------------------------------------------- keys

  describe('API keys: GET/POST /v1/accounts/{uin}/keys, PATCH/DELETE /v1/keys/{secret_id}', () => {
    const KEY_FIELDS = ['account_uin', 'created_at', 'enabled', 'secret_id', 'sub_user_uin'];

    it('GET lists the account\'s keys (root and sub-user) without secret keys', async () => {
      const r = await api('GET', `/v1/accounts/${UIN.alpha}/keys`);
      const { keys } = h.adminOk(r);
      for (const k of keys) assert.deepEqual(Object.keys(k).sort(), KEY_FIELDS);
      assert.deepEqual(keys.map((k) => withoutCreatedAt(k)).sort(bySecretId), [
        { secret_id: K.alpha.secretId, account_uin: UIN.alpha, sub_user_uin: null, enabled: true },
        { secret_id: K.alphaOps.secretId, account_uin: UIN.alpha, sub_user_uin: UIN.alphaOps, enabled: true },
      ].sort(bySecretId));
      assert.ok(!r.text.includes(K.alpha.secretKey) && !r.text.includes(K.alphaOps.secretKey));
      assert.deepEqual(await get(`/v1/accounts/${UIN.vendorco}/keys`).then((x) => x.keys.map((k) => k.secret_id)), [K.vendorco.secretId]);
      h.adminError(await api('GET', '/v1/accounts/499999999999/keys'), 404, 'not_found', 'uin');
    });

    it('POST {} generates AKID+32 / 32-character credentials (201) that sign DescribeAccountBalance and GetDevices', async () => {
      const r1 = h.adminOk(await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body: {} }), 201);
      const r2 = h.adminOk(await api('POST', `/v1/accounts/${UIN.alpha}/keys`), 201);
      for (const { key } of [r1, r2]) {
        assert.deepEqual(Object.keys(key).sort(), [...KEY_FIELDS, 'secret_key'].sort());
        assert.match(key.secret_id, /^AKID[A-Za-z0-9]{32}$/);
        assert.match(key.secret_key, /^[A-Za-z0-9]{32}$/);
        assert.deepEqual(withoutCreatedAt(key), {
          secret_id: key.secret_id, secret_key: key.secret_key, account_uin: UIN.alpha, sub_user_uin: null, enabled: true,
        });
        secrets.add(key.secret_key);
      }
      assert.notEqual(r1.key.secret_id, r2.key.secret_id);
      assert.notEqual(r1.key.secret_key, r2.key.secret_key);
      const cred = { secretId: r1.key.secret_id, secretKey: r1.key.secret_key };
      assert.equal(await h.balanceOf(A.port, cred), await balanceFen(UIN.alpha));
      const devices = await mna(cred).GetDevices({ PageNumber: -1, PageSize: -1 });
      assert.deepEqual(devices.DeviceInfos.map((d) => d.DeviceId).sort(), seedAccount(UIN.alpha).devices.map((d) => d.device_id).sort());
      // A root key: it may do what ops may not.
      assert.deepEqual(await h.vouchersOf(A.port, cred), {});
      const listed = (await get(`/v1/accounts/${UIN.alpha}/keys`)).keys.map((k) => k.secret_id);
      assert.ok(listed.includes(r1.key.secret_id) && listed.includes(r2.key.secret_id));
    });

    it('POST with a given secret_id and secret_key (16 characters is enough) creates exactly that key', async () => {
      const body = { secret_id: 'AKIDadmAlphaGiven00000000000000000001', secret_key: 'sixteen-chars-ok' };
      secrets.add(body.secret_key);
      assert.equal(body.secret_key.length, 16);
      const { key } = h.adminOk(await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body }), 201);
      assert.deepEqual(withoutCreatedAt(key), { ...body, account_uin: UIN.alpha, sub_user_uin: null, enabled: true });
      assert.equal(await h.balanceOf(A.port, { secretId: body.secret_id, secretKey: body.secret_key }), await balanceFen(UIN.alpha));
      await h.expectCode(billing({ secretId: body.secret_id, secretKey: 'sixteen-chars-no' }).DescribeAccountBalance({}),
        'AuthFailure.SignatureFailure');
    });

    it('POST with sub_user_uin creates a key of that sub-user (201), acting with its permissions', async () => {
      const body = { secret_id: 'AKIDadmAlphaOps2000000000000000000001', secret_key: 'adm-alpha-ops2-secret-00000000001', sub_user_uin: UIN.alphaOps };
      secrets.add(body.secret_key);
      const r = await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body });
      const { key } = h.adminOk(r, 201);
      assert.deepEqual(withoutCreatedAt(key), {
        secret_id: body.secret_id, secret_key: body.secret_key, account_uin: UIN.alpha, sub_user_uin: UIN.alphaOps, enabled: true,
      });
      const cred = { secretId: body.secret_id, secretKey: body.secret_key };
      assert.equal(await h.balanceOf(A.port, cred), await balanceFen(UIN.alpha));
      // ops has mna:* and billing:DescribeAccountBalance only.
      await h.expectCode(billing(cred).DescribeVoucherInfo({ Limit: 10, Offset: 1 }), 'AuthFailure.UnauthorizedOperation');
      const ops = (await get(`/v1/accounts/${UIN.alpha}/sub-users`)).sub_users.find((u) => u.uin === UIN.alphaOps);
      assert.deepEqual([...ops.keys].sort(), [K.alphaOps.secretId, body.secret_id].sort());
    });

    it('POST refuses an existing secret_id (409 secret_id), a short secret_key (400), unknown sub-users (404 sub_user_uin) and accounts (404 uin)', async () => {
      const before = await get('/v1/export');
      const countsBefore = (await get('/info')).counts;
      for (const secretId of [K.alpha.secretId, K.alphaOps.secretId, K.vendorco.secretId, 'AKIDadmAlphaGiven00000000000000000001']) {
        h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body: { secret_id: secretId, secret_key: 'another-secret-key-00001' } }),
          409, 'conflict', 'secret_id');
      }
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/keys`, { body: { secret_id: K.alpha.secretId } }), 409, 'conflict', 'secret_id');
      for (const secretKey of ['short', 'fifteen-chars-x', '']) {
        h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body: { secret_key: secretKey } }), 400, 'invalid_field', 'secret_key');
      }
      for (const [body, field] of [
        [{ secret_key: 12345678901234567 }, 'secret_key'],
        [{ secret_id: 5 }, 'secret_id'],
        [{ secret_id: '' }, 'secret_id'],
        [{ enabled: false }, 'enabled'],
        [{ colour: 'red' }, 'colour'],
        [{ sub_user_uin: 'ops' }, 'sub_user_uin'],
      ]) {
        h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body }), 400, 'invalid_field', field);
      }
      h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/keys`, { body: { sub_user_uin: '400000000099' } }), 404, 'not_found', 'sub_user_uin');
      // Another account's sub-user.
      h.adminError(await api('POST', `/v1/accounts/${UIN.gamma}/keys`, { body: { sub_user_uin: UIN.alphaOps } }), 404, 'not_found', 'sub_user_uin');
      h.adminError(await api('POST', '/v1/accounts/499999999999/keys', { body: {} }), 404, 'not_found', 'uin');
      assert.deepEqual(await get('/v1/export'), before);
      assert.deepEqual((await get('/info')).counts, countsBefore);
    });

    it('PATCH {enabled:false} disables a key at once (AuthFailure.SecretIdNotFound); {enabled:true} restores it', async () => {
      assert.equal(await h.balanceOf(A.port, K.gamma), 300); // the credential is now cached
      const off = h.adminOk(await api('PATCH', `/v1/keys/${K.gamma.secretId}`, { body: { enabled: false } }));
      assert.deepEqual(Object.keys(off), ['key']);
      assert.deepEqual(withoutCreatedAt(off.key), { secret_id: K.gamma.secretId, account_uin: UIN.gamma, sub_user_uin: null, enabled: false });
      await h.expectCode(billing(K.gamma).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
      await h.expectCode(mna(K.gamma).GetDevices({ PageNumber: -1, PageSize: -1 }), 'AuthFailure.SecretIdNotFound');
      await h.expectCode(billing(K.gamma, { signMethod: 'HmacSHA256' }).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
      assert.equal((await get(`/v1/accounts/${UIN.gamma}/keys`)).keys[0].enabled, false);
      // Disabling twice is fine and answers the same.
      const again = h.adminOk(await api('PATCH', `/v1/keys/${K.gamma.secretId}`, { body: { enabled: false } }));
      assert.deepEqual(again, off);
      // A disabled key is exported with "enabled": false.
      const exported = (await get('/v1/export')).accounts.find((a) => a.uin === UIN.gamma);
      assert.deepEqual(exported.keys, [{ secret_id: K.gamma.secretId, secret_key: K.gamma.secretKey, enabled: false }]);

      const on = h.adminOk(await api('PATCH', `/v1/keys/${K.gamma.secretId}`, { body: { enabled: true } }));
      assert.equal(on.key.enabled, true);
      assert.ok(!('secret_key' in on.key));
      assert.equal(await h.balanceOf(A.port, K.gamma), 300);
      const exportedOn = (await get('/v1/export')).accounts.find((a) => a.uin === UIN.gamma);
      assert.deepEqual(exportedOn.keys, [{ secret_id: K.gamma.secretId, secret_key: K.gamma.secretKey }]);

      // A sub-user key too.
      h.adminOk(await api('PATCH', `/v1/keys/${K.alphaOps.secretId}`, { body: { enabled: false } }));
      await h.expectCode(billing(K.alphaOps).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
      h.adminOk(await api('PATCH', `/v1/keys/${K.alphaOps.secretId}`, { body: { enabled: true } }));
      assert.equal(await h.balanceOf(A.port, K.alphaOps), await balanceFen(UIN.alpha));
    });

    it('PATCH refuses a missing or non-boolean enabled (400 enabled), unknown fields, unknown keys (404 secret_id)', async () => {
      for (const [body, field] of [
        [{}, 'enabled'],
        [{ enabled: 'false' }, 'enabled'],
        [{ enabled: 0 }, 'enabled'],
        [{ enabled: null }, 'enabled'],
        [{ enabled: true, secret_key: 'x' }, 'secret_key'],
      ]) {
        h.adminError(await api('PATCH', `/v1/keys/${K.gamma.secretId}`, { body }), 400, 'invalid_field', field);
      }
      h.adminError(await api('PATCH', '/v1/keys/AKIDadmNoSuchKey00000000000000000001', { body: { enabled: false } }), 404, 'not_found', 'secret_id');
      assert.equal(await h.balanceOf(A.port, K.gamma), 300);
    });

    it('DELETE removes a key at once and answers it (200 {"deleted"}); again is 404 secret_id', async () => {
      const { key } = h.adminOk(await api('POST', `/v1/accounts/${UIN.gamma}/keys`, { body: { secret_id: 'AKIDadmGammaTemp000000000000000000001' } }), 201);
      secrets.add(key.secret_key);
      const cred = { secretId: key.secret_id, secretKey: key.secret_key };
      assert.equal(await h.balanceOf(A.port, cred), 300);
      const r = h.adminOk(await api('DELETE', `/v1/keys/${key.secret_id}`));
      assert.deepEqual(Object.keys(r), ['deleted']);
      const { secret_key: _s, ...withoutSecret } = key;
      assert.deepEqual(r.deleted, withoutSecret);
      await h.expectCode(billing(cred).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
      assert.deepEqual((await get(`/v1/accounts/${UIN.gamma}/keys`)).keys.map((k) => k.secret_id), [K.gamma.secretId]);
      h.adminError(await api('DELETE', `/v1/keys/${key.secret_id}`), 404, 'not_found', 'secret_id');
      h.adminError(await api('PATCH', `/v1/keys/${key.secret_id}`, { body: { enabled: true } }), 404, 'not_found', 'secret_id');
      await h.expectCode(billing(cred).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
      // The other key of the account is untouched.
      assert.equal(await h.balanceOf(A.port, K.gamma), 300);
    });
  });

  // -------------------------------------------------------------- balance

  describe('balance: GET .../balance, POST .../balance/topup and .../balance/adjust', () => {
    const journalOf = async (uin) => (await get(`/v1/accounts/${uin}/journal`)).journal;

    it('GET answers {uin, balance_fen}', async () => {
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}/balance`), { uin: UIN.beta, balance_fen: 5000 });
      assert.deepEqual(await get(`/v1/accounts/${UIN.vendorco}/balance`), { uin: UIN.vendorco, balance_fen: 0 });
      h.adminError(await api('GET', '/v1/accounts/499999999999/balance'), 404, 'not_found', 'uin');
    });

    it('top-up adds to the balance, answers the account and the journal entry, and shows in DescribeAccountBalance', async () => {
      const journalBefore = await journalOf(UIN.beta);
      const r = h.adminOk(await api('POST', `/v1/accounts/${UIN.beta}/balance/topup`, { body: { amount_fen: 2500, reason: 'wire 42' } }));
      assert.deepEqual(Object.keys(r).sort(), ['account', 'journal']);
      assert.deepEqual(withoutCreatedAt(r.account), accountView(seedAccount(UIN.beta), { balance_fen: 7500 }));
      assert.match(r.journal.at, TIME_RE);
      const { at, ...entry } = r.journal;
      assert.deepEqual(entry, {
        account_uin: UIN.beta, voucher_id: null, delta_fen: 2500, balance_after_fen: 7500, action: 'TopUp', reason: 'admin top-up: wire 42', order_id: null,
      });
      assert.equal(await h.balanceOf(A.port, K.beta), 7500);
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}/balance`), { uin: UIN.beta, balance_fen: 7500 });
      const journalAfter = await journalOf(UIN.beta);
      assert.equal(journalAfter.length, journalBefore.length + 1);
      const last = journalAfter[journalAfter.length - 1];
      assert.ok(Number.isInteger(last.entry_id));
      assert.deepEqual({ ...last, entry_id: undefined }, { ...r.journal, entry_id: undefined });
      assert.equal(last.at, at);
    });

    it('top-up refuses amount_fen 0, negative, fractional, as a string, missing or above 10^12 (400 amount_fen), and a missing or empty reason (400 reason)', async () => {
      const journalBefore = await journalOf(UIN.beta);
      const url = `/v1/accounts/${UIN.beta}/balance/topup`;
      for (const amount of [0, -5, 1.5, '100', null, 1e12 + 1, true]) {
        h.adminError(await api('POST', url, { body: { amount_fen: amount, reason: 'x' } }), 400, 'invalid_field', 'amount_fen');
      }
      h.adminError(await api('POST', url, { body: { reason: 'x' } }), 400, 'invalid_field', 'amount_fen');
      h.adminError(await api('POST', url, { body: { amount_fen: 100 } }), 400, 'invalid_field', 'reason');
      h.adminError(await api('POST', url, { body: { amount_fen: 100, reason: '' } }), 400, 'invalid_field', 'reason');
      h.adminError(await api('POST', url, { body: { amount_fen: 100, reason: 7 } }), 400, 'invalid_field', 'reason');
      h.adminError(await api('POST', url, { body: { amount_fen: 100, reason: 'x', delta_fen: 1 } }), 400, 'invalid_field', 'delta_fen');
      h.adminError(await api('POST', url), 400, 'invalid_field', 'amount_fen');
      h.adminError(await api('POST', '/v1/accounts/499999999999/balance/topup', { body: { amount_fen: 1, reason: 'x' } }), 404, 'not_found', 'uin');
      assert.equal(await h.balanceOf(A.port, K.beta), 7500);
      assert.deepEqual(await journalOf(UIN.beta), journalBefore);
    });

    it('top-up accepts the bound 10^12 fen exactly', async () => {
      const r = h.adminOk(await api('POST', `/v1/accounts/${UIN.vendorco}/balance/topup`, { body: { amount_fen: 1e12, reason: 'max' } }));
      assert.equal(r.account.balance_fen, 1e12);
      assert.equal(await h.balanceOf(A.port, K.vendorco), 1e12);
      const back = h.adminOk(await api('POST', `/v1/accounts/${UIN.vendorco}/balance/adjust`, { body: { delta_fen: -1e12, reason: 'max back' } }));
      assert.equal(back.account.balance_fen, 0);
      assert.equal(back.journal.reason, 'admin adjustment: max back');
    });

    it('adjust moves the balance either way with reason "admin adjustment: ..."', async () => {
      const down = h.adminOk(await api('POST', `/v1/accounts/${UIN.beta}/balance/adjust`, { body: { delta_fen: -1500, reason: 'refund 7' } }));
      assert.equal(down.account.balance_fen, 6000);
      const { at: _a1, ...e1 } = down.journal;
      assert.deepEqual(e1, {
        account_uin: UIN.beta, voucher_id: null, delta_fen: -1500, balance_after_fen: 6000, action: 'Adjustment', reason: 'admin adjustment: refund 7', order_id: null,
      });
      const up = h.adminOk(await api('POST', `/v1/accounts/${UIN.beta}/balance/adjust`, { body: { delta_fen: 500, reason: 'goodwill' } }));
      assert.equal(up.account.balance_fen, 6500);
      assert.equal(up.journal.delta_fen, 500);
      assert.equal(up.journal.balance_after_fen, 6500);
      assert.equal(up.journal.reason, 'admin adjustment: goodwill');
      assert.equal(await h.balanceOf(A.port, K.beta), 6500);
      const tail = (await journalOf(UIN.beta)).slice(-2).map(({ entry_id: _e, at: _a, ...rest }) => rest);
      assert.deepEqual(tail.map((e) => [e.delta_fen, e.balance_after_fen, e.reason]),
        [[-1500, 6000, 'admin adjustment: refund 7'], [500, 6500, 'admin adjustment: goodwill']]);
    });

    it('adjust below zero is 409 negative_balance (field delta_fen) with balance and journal unchanged; to exactly zero is fine', async () => {
      const journalBefore = await journalOf(UIN.beta);
      const url = `/v1/accounts/${UIN.beta}/balance/adjust`;
      h.adminError(await api('POST', url, { body: { delta_fen: -6501, reason: 'too much' } }), 409, 'negative_balance', 'delta_fen');
      h.adminError(await api('POST', url, { body: { delta_fen: -1e12, reason: 'too much' } }), 409, 'negative_balance', 'delta_fen');
      assert.equal(await h.balanceOf(A.port, K.beta), 6500);
      assert.deepEqual(await journalOf(UIN.beta), journalBefore);

      for (const [body, field] of [
        [{ delta_fen: 0, reason: 'x' }, 'delta_fen'],
        [{ delta_fen: 1.25, reason: 'x' }, 'delta_fen'],
        [{ delta_fen: '-1', reason: 'x' }, 'delta_fen'],
        [{ delta_fen: -1e12 - 1, reason: 'x' }, 'delta_fen'],
        [{ delta_fen: 1e12 + 1, reason: 'x' }, 'delta_fen'],
        [{ reason: 'x' }, 'delta_fen'],
        [{ delta_fen: 1 }, 'reason'],
        [{ delta_fen: 1, reason: '' }, 'reason'],
        [{ amount_fen: 1, delta_fen: 1, reason: 'x' }, 'amount_fen'],
      ]) {
        h.adminError(await api('POST', url, { body }), 400, 'invalid_field', field);
      }
      h.adminError(await api('POST', '/v1/accounts/499999999999/balance/adjust', { body: { delta_fen: 1, reason: 'x' } }), 404, 'not_found', 'uin');
      assert.equal(await h.balanceOf(A.port, K.beta), 6500);
      assert.deepEqual(await journalOf(UIN.beta), journalBefore);

      const zero = h.adminOk(await api('POST', url, { body: { delta_fen: -6500, reason: 'close' } }));
      assert.equal(zero.account.balance_fen, 0);
      assert.equal(await h.balanceOf(A.port, K.beta), 0);
      const restored = h.adminOk(await api('POST', `/v1/accounts/${UIN.beta}/balance/topup`, { body: { amount_fen: 5000, reason: 'reopen' } }));
      assert.equal(restored.account.balance_fen, 5000);
    });
  });

  // -------------------------------------------------------------- vouchers

  describe('vouchers: GET/POST /v1/accounts/{uin}/vouchers, POST .../vouchers/{id}/cancel', () => {
    const VOUCHER_FIELDS = ['account_uin', 'balance_fen', 'begin_time', 'cash', 'created_at', 'end_time', 'nominal_fen',
      'products', 'status', 'threshold_fen', 'voucher_id'];
    let generatedId;
    const orderOf = async (uin, resourceId) => (await get(`/v1/accounts/${uin}/orders`)).orders.find((o) => o.resource_id === resourceId);

    it('GET lists the account\'s vouchers', async () => {
      assert.deepEqual(await get(`/v1/accounts/${UIN.alpha}/vouchers`), { vouchers: [] });
      const { vouchers } = await get(`/v1/accounts/${UIN.gamma}/vouchers`);
      assert.deepEqual(vouchers.map((v) => withoutCreatedAt(v)), [{
        voucher_id: 'v-adm-gamma', cash: false, nominal_fen: 1000, balance_fen: 700, threshold_fen: 0,
        begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z', products: ['mna'], status: 'unUsed', account_uin: UIN.gamma,
      }]);
      h.adminError(await api('GET', '/v1/accounts/499999999999/vouchers'), 404, 'not_found', 'uin');
    });

    it('POST issues a voucher with a generated v- id (201), journaled "admin: voucher issued", visible in DescribeVoucherInfo', async () => {
      const r = h.adminOk(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers`, {
        body: { nominal_fen: 5000, begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z' },
      }), 201);
      assert.deepEqual(Object.keys(r), ['voucher']);
      assert.deepEqual(Object.keys(r.voucher).sort(), VOUCHER_FIELDS);
      assert.match(r.voucher.voucher_id, /^v-[A-Za-z0-9]{12}$/);
      generatedId = r.voucher.voucher_id;
      assert.deepEqual(withoutCreatedAt(r.voucher), {
        voucher_id: generatedId, cash: false, nominal_fen: 5000, balance_fen: 5000, threshold_fen: 0,
        begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z', products: ['mna'], status: 'unUsed', account_uin: UIN.alpha,
      });
      assert.deepEqual(await get(`/v1/accounts/${UIN.alpha}/vouchers`), { vouchers: [r.voucher] });
      const { journal } = await get(`/v1/accounts/${UIN.alpha}/journal`);
      const { entry_id: _e, at, ...last } = journal[journal.length - 1];
      assert.match(at, TIME_RE);
      assert.deepEqual(last, {
        account_uin: UIN.alpha, voucher_id: generatedId, delta_fen: 5000, balance_after_fen: 5000, action: 'VoucherIssued', reason: 'admin: voucher issued', order_id: null,
      });
      const seen = await h.vouchersOf(A.port, K.alpha);
      assert.deepEqual(Object.keys(seen), [generatedId]);
      assert.equal(seen[generatedId].balance, 5000);
      assert.equal(seen[generatedId].status, 'unUsed');
      assert.equal(seen[generatedId].nominalMicro, 5000 * h.MICRO_PER_FEN);
    });

    it('an issued voucher pays for OrderPerLicense with AutoVoucher', async () => {
      const fee = await price();
      const balanceBefore = await balanceFen(UIN.alpha);
      const res = await mna(K.alpha).OrderPerLicense({ DeviceId: 'mna-adm-a01', Type: 0, AutoVoucher: true, RollBack: false });
      assert.equal(await h.balanceOf(A.port, K.alpha), balanceBefore - (fee - 5000));
      const v = (await get(`/v1/accounts/${UIN.alpha}/vouchers`)).vouchers.find((x) => x.voucher_id === generatedId);
      assert.equal(v.balance_fen, 0);
      assert.equal(v.status, 'used');
      const o = await orderOf(UIN.alpha, res.ResourceId);
      assert.equal(o.voucher_id, generatedId);
      assert.equal(o.voucher_fen, 5000);
      assert.equal(o.balance_fen, fee - 5000);
      assert.equal(o.total_fen, fee);
    });

    it('POST with every field creates exactly that voucher', async () => {
      const body = {
        voucher_id: 'v-adm-alpha2', cash: true, nominal_fen: 8000, balance_fen: 6000, threshold_fen: 1000,
        begin_time: '2021-02-03T04:05:06Z', end_time: '2098-07-08T09:10:11Z', products: ['mna'], status: 'unUsed',
      };
      const r = h.adminOk(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers`, { body }), 201);
      assert.deepEqual(withoutCreatedAt(r.voucher), { ...body, account_uin: UIN.alpha });
      const seen = await h.vouchersOf(A.port, K.alpha);
      assert.equal(seen['v-adm-alpha2'].balance, 6000);
      assert.equal(seen['v-adm-alpha2'].nominalMicro, 8000 * h.MICRO_PER_FEN);
      assert.equal(seen['v-adm-alpha2'].status, 'unUsed');
      assert.equal(seen['v-adm-alpha2'].info.OwnerUin, UIN.alpha);
    });

    it('POST refuses an existing id (409 voucher_id), end before begin (400 end_time), bad fields (400), unknown accounts (404 uin)', async () => {
      const before = await get('/v1/export');
      const ok = { nominal_fen: 100, begin_time: '2020-01-01T00:00:00Z', end_time: '2099-01-01T00:00:00Z' };
      h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers`, { body: { ...ok, voucher_id: 'v-adm-alpha2' } }), 409, 'conflict', 'voucher_id');
      // The id of another account's voucher.
      h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers`, { body: { ...ok, voucher_id: 'v-adm-gamma' } }), 409, 'conflict', 'voucher_id');
      h.adminError(await api('POST', `/v1/accounts/${UIN.beta}/vouchers`, { body: { ...ok, voucher_id: 'v-adm-alpha2' } }), 409, 'conflict', 'voucher_id');
      for (const [body, field] of [
        [{ ...ok, end_time: '2019-12-31T23:59:59Z' }, 'end_time'],
        [{ ...ok, begin_time: null }, 'begin_time'],
        [{ ...ok, end_time: undefined }, 'end_time'],
        [{ ...ok, nominal_fen: undefined }, 'nominal_fen'],
        [{ ...ok, nominal_fen: -1 }, 'nominal_fen'],
        [{ ...ok, nominal_fen: '100' }, 'nominal_fen'],
        [{ ...ok, begin_time: '2020-01-01' }, 'begin_time'],
        [{ ...ok, end_time: 'never' }, 'end_time'],
        [{ ...ok, balance_fen: 101 }, 'balance_fen'],
        [{ ...ok, threshold_fen: -1 }, 'threshold_fen'],
        [{ ...ok, status: 'bogus' }, 'status'],
        [{ ...ok, cash: 'yes' }, 'cash'],
        [{ ...ok, products: 'mna' }, 'products'],
        [{ ...ok, voucher_id: '' }, 'voucher_id'],
        [{ ...ok, voucher_id: 7 }, 'voucher_id'],
        [{ ...ok, colour: 'red' }, 'colour'],
        [{ ...ok, account_uin: UIN.beta }, 'account_uin'],
      ]) {
        h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers`, { body }), 400, 'invalid_field', field);
      }
      h.adminError(await api('POST', '/v1/accounts/499999999999/vouchers', { body: ok }), 404, 'not_found', 'uin');
      assert.deepEqual(await get('/v1/export'), before);
    });

    it('cancel sets status "cancel" (200); again is 409 voucher_id; unknown or another account\'s voucher is 404 voucher_id', async () => {
      const url = `/v1/accounts/${UIN.alpha}/vouchers/v-adm-alpha2/cancel`;
      h.adminError(await api('POST', url, { body: {} }), 400, 'invalid_field', 'reason');
      h.adminError(await api('POST', url, { body: { reason: '' } }), 400, 'invalid_field', 'reason');
      h.adminError(await api('POST', url, { body: { reason: 'x', colour: 1 } }), 400, 'invalid_field', 'colour');
      const before = (await get(`/v1/accounts/${UIN.alpha}/vouchers`)).vouchers.find((v) => v.voucher_id === 'v-adm-alpha2');
      assert.equal(before.status, 'unUsed');

      const r = h.adminOk(await api('POST', url, { body: { reason: 'issued by mistake' } }));
      assert.deepEqual(r, { voucher: { ...before, status: 'cancel' } });
      const listed = (await get(`/v1/accounts/${UIN.alpha}/vouchers`)).vouchers.find((v) => v.voucher_id === 'v-adm-alpha2');
      assert.deepEqual(listed, { ...before, status: 'cancel' });
      assert.equal((await h.vouchersOf(A.port, K.alpha))['v-adm-alpha2'].status, 'cancel');

      h.adminError(await api('POST', url, { body: { reason: 'again' } }), 409, 'conflict', 'voucher_id');
      h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers/v-adm-nosuch/cancel`, { body: { reason: 'x' } }), 404, 'not_found', 'voucher_id');
      h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers/v-adm-gamma/cancel`, { body: { reason: 'x' } }), 404, 'not_found', 'voucher_id');
      // An unknown account: 404 (the spec names no field for this case; uin or voucher_id both describe it).
      const unknownAccount = await api('POST', '/v1/accounts/499999999999/vouchers/v-adm-gamma/cancel', { body: { reason: 'x' } });
      assert.equal(unknownAccount.status, 404);
      assert.equal(unknownAccount.json.error.code, 'not_found');
      assert.ok(['uin', 'voucher_id'].includes(unknownAccount.json.error.field), unknownAccount.text);
      // Gamma's voucher was not touched by the refused attempt.
      assert.equal((await get(`/v1/accounts/${UIN.gamma}/vouchers`)).vouchers[0].status, 'unUsed');
    });

    it('a cancelled voucher no longer pays for purchases', async () => {
      const fee = await price();
      assert.ok(fee >= 1000, 'the cancelled voucher\'s threshold would be met');
      const balanceBefore = await balanceFen(UIN.alpha);
      const res = await mna(K.alpha).OrderPerLicense({ DeviceId: 'mna-adm-a02', Type: 0, AutoVoucher: true, RollBack: false });
      assert.equal(await h.balanceOf(A.port, K.alpha), balanceBefore - fee);
      const o = await orderOf(UIN.alpha, res.ResourceId);
      assert.equal(o.voucher_id, null);
      assert.equal(o.voucher_fen, 0);
      assert.equal(o.balance_fen, fee);
      const v = (await get(`/v1/accounts/${UIN.alpha}/vouchers`)).vouchers.find((x) => x.voucher_id === 'v-adm-alpha2');
      assert.equal(v.balance_fen, 6000);
      assert.equal(v.status, 'cancel');
    });
  });

  // -------------------------------------------------------------- prices

  describe('prices: GET/PUT /v1/prices', () => {
    it('GET answers the seeded prices', async () => {
      assert.deepEqual(await get('/v1/prices'), { prices: SEED.prices });
    });

    it('PUT with a partial object changes only the fields given', async () => {
      const r1 = h.adminOk(await api('PUT', '/v1/prices', { body: { license_fen: 12345 } }));
      const want1 = { license_fen: 12345, flow_packages_fen: SEED.prices.flow_packages_fen };
      assert.deepEqual(r1, { prices: want1 });
      assert.deepEqual(await get('/v1/prices'), { prices: want1 });
      const r2 = h.adminOk(await api('PUT', '/v1/prices', { body: { flow_packages_fen: { DEVICE_3_FLOW_100G: 9999 } } }));
      const want2 = { license_fen: 12345, flow_packages_fen: { ...SEED.prices.flow_packages_fen, DEVICE_3_FLOW_100G: 9999 } };
      assert.deepEqual(r2, { prices: want2 });
      assert.deepEqual(h.adminOk(await api('PUT', '/v1/prices', { body: {} })), { prices: want2 });
      assert.deepEqual(await get('/v1/prices'), { prices: want2 });
    });

    it('PUT refuses negative, non-integer and unknown prices (400 with the path) and keeps the old ones', async () => {
      const before = await get('/v1/prices');
      for (const [body, field] of [
        [{ license_fen: -1 }, 'license_fen'],
        [{ license_fen: 1.5 }, 'license_fen'],
        [{ license_fen: '100' }, 'license_fen'],
        [{ license_fen: 1, flow_packages_fen: { DEVICE_1_FLOW_20G: -5 } }, 'flow_packages_fen.DEVICE_1_FLOW_20G'],
        [{ flow_packages_fen: { DEVICE_9_FLOW_1G: 1 } }, 'flow_packages_fen.DEVICE_9_FLOW_1G'],
        [{ flow_packages_fen: 5 }, 'flow_packages_fen'],
        [{ colour: 1 }, 'colour'],
        [{ prices: { license_fen: 1 } }, 'prices'],
      ]) {
        h.adminError(await api('PUT', '/v1/prices', { body }), 400, 'invalid_field', field);
      }
      assert.deepEqual(await get('/v1/prices'), before);
    });

    it('the next OrderPerLicense and OrderFlowPackage charge the new prices', async () => {
      const b0 = await h.balanceOf(A.port, K.alpha);
      const lic = await mna(K.alpha).OrderPerLicense({ DeviceId: 'mna-adm-a03', Type: 0, RollBack: false });
      assert.equal(await h.balanceOf(A.port, K.alpha), b0 - 12345);
      const o = (await get(`/v1/accounts/${UIN.alpha}/orders`)).orders.find((x) => x.resource_id === lic.ResourceId);
      assert.equal(o.total_fen, 12345);
      const pkg = await mna(K.alpha).OrderFlowPackage({
        PackageType: 'DEVICE_3_FLOW_100G', DeviceList: ['mna-adm-a04'], AutoRenewFlag: false, PackageRegion: 0,
      });
      assert.equal(await h.balanceOf(A.port, K.alpha), b0 - 12345 - 9999);
      const fp = (await get(`/v1/accounts/${UIN.alpha}/orders`)).orders.find((x) => x.resource_id === pkg.ResourceId);
      assert.equal(fp.total_fen, 9999);
    });
  });

  // -------------------------------------------------------------- views

  describe('read-only views: devices, hardware, licenses, orders, flow-packages, journal', () => {
    const VIEWS = ['devices', 'hardware', 'licenses', 'orders', 'flow-packages', 'journal'];

    it('each view is 404 uin for an unknown account, and 405 for other methods', async () => {
      for (const v of VIEWS) {
        h.adminError(await api('GET', `/v1/accounts/499999999999/${v}`), 404, 'not_found', 'uin');
        h.adminError(await api('POST', `/v1/accounts/${UIN.alpha}/${v}`, { body: {} }), 405, 'method_not_allowed');
      }
    });

    it('devices: every device with the documented fields, matching GetDevices', async () => {
      const { devices } = await get(`/v1/accounts/${UIN.alpha}/devices`);
      const sdk = (await mna(K.alpha).GetDevices({ PageNumber: -1, PageSize: -1 })).DeviceInfos;
      assert.deepEqual(devices.map((d) => d.device_id).sort(), sdk.map((d) => d.DeviceId).sort());
      for (const d of devices) {
        assert.deepEqual(Object.keys(d).sort(), ['access_scope', 'account_uin', 'created_at', 'device_id', 'flow_trunc', 'group_id',
          'hardware_id', 'license_pay_mode', 'license_payer', 'name', 'remark', 'sn', 'vendor_name'].sort());
        const s = sdk.find((x) => x.DeviceId === d.device_id);
        const seeded = seedAccount(UIN.alpha).devices.find((x) => x.device_id === d.device_id);
        assert.deepEqual(withoutCreatedAt(d), {
          device_id: seeded.device_id, account_uin: UIN.alpha, name: seeded.name, license_pay_mode: 1, remark: seeded.remark,
          hardware_id: null, license_payer: s.Payer, access_scope: s.AccessScope, flow_trunc: s.FlowTrunc, group_id: s.GroupId,
          vendor_name: s.Vendor, sn: s.Sn,
        });
        assert.equal(Date.parse(d.created_at), Math.floor(Number(s.CreateTime) / 1000) * 1000, 'created_at is GetDevices CreateTime');
      }
      assert.deepEqual(await get(`/v1/accounts/${UIN.gamma}/devices`), { devices: [] });
    });

    it('hardware: the vendor\'s hardware, unactivated; nothing for other accounts', async () => {
      const { hardware } = await get(`/v1/accounts/${UIN.vendorco}/hardware`);
      assert.deepEqual(hardware.map((x) => withoutCreatedAt(x)), [{
        hardware_id: 'cpe-adm0001', vendor_uin: UIN.vendorco, sn: 'VC-0001', license_charging_mode: 3, description: 'batch 1',
        activated_device_id: null, activated_by_uin: null, activated_at: null,
      }]);
      assert.deepEqual(await get(`/v1/accounts/${UIN.alpha}/hardware`), { hardware: [] });
    });

    it('licenses, orders and journal show an OrderPerLicense exactly (here by a sub-user)', async () => {
      const fee = await price();
      const before = {
        licenses: (await get(`/v1/accounts/${UIN.alpha}/licenses`)).licenses,
        orders: (await get(`/v1/accounts/${UIN.alpha}/orders`)).orders,
        journal: (await get(`/v1/accounts/${UIN.alpha}/journal`)).journal,
      };
      // Three licenses so far (a01-a03) and one flow package order.
      assert.deepEqual(before.licenses.map((l) => l.device_id).sort(), ['mna-adm-a01', 'mna-adm-a02', 'mna-adm-a03']);
      assert.equal(before.orders.length, 4);
      const balanceBefore = await balanceFen(UIN.alpha);
      const res = await mna(K.alphaOps).OrderPerLicense({ DeviceId: 'mna-adm-a05', Type: 0, RollBack: false });

      const { licenses } = await get(`/v1/accounts/${UIN.alpha}/licenses`);
      assert.equal(licenses.length, before.licenses.length + 1);
      assert.deepEqual(licenses.slice(0, -1), before.licenses);
      const lic = licenses[licenses.length - 1];
      assert.match(lic.order_id, /\S/);
      assert.deepEqual(withoutCreatedAt(lic), {
        resource_id: res.ResourceId, account_uin: UIN.alpha, device_id: 'mna-adm-a05', hardware_id: null, order_id: lic.order_id,
      });

      const { orders } = await get(`/v1/accounts/${UIN.alpha}/orders`);
      assert.equal(orders.length, before.orders.length + 1);
      assert.deepEqual(orders.slice(0, -1), before.orders);
      const o = orders[orders.length - 1];
      assert.deepEqual(withoutCreatedAt(o), {
        order_id: lic.order_id, account_uin: UIN.alpha, caller_uin: UIN.alphaOps, action: 'OrderPerLicense', resource_id: res.ResourceId,
        total_fen: fee, voucher_id: null, voucher_fen: 0, balance_fen: fee,
      });
      assert.equal(o.created_at, lic.created_at);

      const { journal } = await get(`/v1/accounts/${UIN.alpha}/journal`);
      assert.equal(journal.length, before.journal.length + 1);
      assert.deepEqual(journal.slice(0, -1), before.journal);
      const e = journal[journal.length - 1];
      assert.ok(e.entry_id > before.journal[before.journal.length - 1].entry_id);
      assert.ok(e.reason.includes(res.ResourceId), `journal reason ${e.reason} names the resource`);
      assert.deepEqual({ ...e, entry_id: 0, reason: '' }, {
        entry_id: 0, at: o.created_at, account_uin: UIN.alpha, voucher_id: null, delta_fen: -fee,
        balance_after_fen: balanceBefore - fee, action: 'OrderPerLicense', reason: '', order_id: o.order_id,
      });
      assert.equal(await h.balanceOf(A.port, K.alpha), balanceBefore - fee);

      // Every license points at its own order.
      for (const l of licenses) {
        const ord = orders.find((x) => x.order_id === l.order_id);
        assert.ok(ord, `license ${l.resource_id} has its order`);
        assert.equal(ord.resource_id, l.resource_id);
        assert.equal(ord.action, 'OrderPerLicense');
      }
    });

    it('licenses of hardware (Type 1) name the hardware, not a device', async () => {
      const fee = await price();
      h.adminOk(await api('POST', `/v1/accounts/${UIN.vendorco}/balance/topup`, { body: { amount_fen: fee, reason: 'for cpe' } }));
      const res = await mna(K.vendorco).OrderPerLicense({ DeviceId: 'cpe-adm0001', Type: 1, RollBack: false });
      const { licenses } = await get(`/v1/accounts/${UIN.vendorco}/licenses`);
      assert.deepEqual(licenses.map((l) => withoutCreatedAt(l)), [{
        resource_id: res.ResourceId, account_uin: UIN.vendorco, device_id: null, hardware_id: 'cpe-adm0001', order_id: licenses[0].order_id,
      }]);
      const { orders } = await get(`/v1/accounts/${UIN.vendorco}/orders`);
      assert.deepEqual(orders.map((x) => withoutCreatedAt(x)), [{
        order_id: licenses[0].order_id, account_uin: UIN.vendorco, caller_uin: UIN.vendorco, action: 'OrderPerLicense',
        resource_id: res.ResourceId, total_fen: fee, voucher_id: null, voucher_fen: 0, balance_fen: fee,
      }]);
      assert.equal(await balanceFen(UIN.vendorco), 0);
    });

    it('flow-packages: the package bought above, with its devices and order', async () => {
      const { flow_packages: packages } = await get(`/v1/accounts/${UIN.alpha}/flow-packages`);
      assert.equal(packages.length, 1);
      const p = packages[0];
      assert.equal(p.account_uin, UIN.alpha);
      assert.equal(p.package_type, 'DEVICE_3_FLOW_100G');
      assert.deepEqual(p.device_ids, ['mna-adm-a04']);
      assert.equal(p.auto_renew, false);
      const o = (await get(`/v1/accounts/${UIN.alpha}/orders`)).orders.find((x) => x.order_id === p.order_id);
      assert.ok(o, 'the package\'s order is listed');
      assert.equal(o.resource_id, p.resource_id);
      assert.equal(o.action, 'OrderFlowPackage');
      assert.equal(o.total_fen, 9999);
      const info = await mna(K.alpha).GetFlowPackages({ PageNumber: 1, PageSize: 100 });
      assert.deepEqual(info.PackageList.map((x) => x.ResourceId), [p.resource_id]);
      assert.equal(info.PackageList[0].AppId, seedAccount(UIN.alpha).app_id);
      // A new app_id shows at once in what API callers see (the credential cache is dropped).
      h.adminOk(await api('PATCH', `/v1/accounts/${UIN.alpha}`, { body: { app_id: 1300000777 } }));
      assert.equal((await mna(K.alpha).GetFlowPackages({ PageNumber: 1, PageSize: 100 })).PackageList[0].AppId, 1300000777);
      h.adminOk(await api('PATCH', `/v1/accounts/${UIN.alpha}`, { body: { app_id: seedAccount(UIN.alpha).app_id } }));
      assert.equal((await mna(K.alpha).GetFlowPackages({ PageNumber: 1, PageSize: 100 })).PackageList[0].AppId, seedAccount(UIN.alpha).app_id);
      assert.deepEqual(await get(`/v1/accounts/${UIN.beta}/flow-packages`), { flow_packages: [] });
    });

    it('GET /v1/journal answers every account\'s entries, exactly the union of the per-account journals', async () => {
      const { journal, ...rest } = await get('/v1/journal');
      assert.deepEqual(rest, {});
      const { accounts } = await get('/v1/accounts');
      const union = [];
      for (const a of accounts) union.push(...(await get(`/v1/accounts/${a.uin}/journal`)).journal);
      union.sort((x, y) => x.entry_id - y.entry_id);
      const sorted = [...journal].sort((x, y) => x.entry_id - y.entry_id);
      assert.deepEqual(sorted, union);
      assert.equal(new Set(journal.map((e) => e.entry_id)).size, journal.length, 'entry ids are unique');
      for (const e of journal) {
        assert.deepEqual(Object.keys(e).sort(), ['account_uin', 'action', 'at', 'balance_after_fen', 'delta_fen', 'entry_id', 'order_id', 'reason', 'voucher_id']);
      }
      // The seed's opening balances are there.
      for (const a of SEED.accounts.filter((x) => x.balance_fen > 0)) {
        assert.ok(journal.some((e) => e.account_uin === a.uin && e.reason === 'seed: opening balance' && e.delta_fen === a.balance_fen),
          `opening balance of ${a.name}`);
      }
      assert.equal(journal.length, (await get('/info')).counts.journal);
    });
  });

  // -------------------------------------------------------------- export/import

  describe('export and import: GET /v1/export, POST /v1/import (fresh server B)', () => {
    let B;
    let exportA;
    const apiB = (method, urlPath, opts) => h.admin(B, method, urlPath, opts);
    const getB = async (urlPath) => h.adminOk(await apiB('GET', urlPath));

    before(async () => {
      B = await h.startServer({ seed: null, extraArgs: [...h.CONFORMANCE_ARGS, '--admin-token', TOKEN] });
    });
    after(async () => {
      await h.stopAndAssertClean(B);
    });

    it('GET /v1/export is the whole state as a seed document, secrets included', async () => {
      exportA = await get('/v1/export');
      assert.deepEqual(Object.keys(exportA).sort(), ['accounts', 'prices', 'regions', 'version']);
      assert.equal(exportA.version, 1);
      assert.deepEqual(exportA.regions, ['ap-guangzhou', 'ap-shanghai']);
      assert.deepEqual(exportA.prices, (await get('/v1/prices')).prices);
      const { accounts } = await get('/v1/accounts');
      assert.deepEqual(exportA.accounts.map((a) => a.uin), accounts.map((a) => a.uin));
      for (const a of exportA.accounts) {
        const { created_at: _c, ...acc } = accounts.find((x) => x.uin === a.uin);
        const { keys: _k, sub_users: _s, vouchers: _v, devices: _d, hardware: _h, ...fields } = a;
        assert.deepEqual(fields, acc, `account fields of ${a.uin}`);
        assert.ok(!('created_at' in a));
      }
      // Gamma is back to its seeded state.
      const gamma = exportA.accounts.find((a) => a.uin === UIN.gamma);
      const seededGamma = seedAccount(UIN.gamma);
      assert.deepEqual(gamma, {
        ...accountView(seededGamma),
        keys: seededGamma.keys,
        sub_users: [],
        vouchers: [{
          voucher_id: 'v-adm-gamma', cash: false, nominal_fen: 1000, balance_fen: 700, threshold_fen: 0,
          begin_time: '2020-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z', products: ['mna'], status: 'unUsed',
        }],
        devices: [],
        hardware: [],
      });
      // Every key with its secret; sub-users' keys too.
      const alpha = exportA.accounts.find((a) => a.uin === UIN.alpha);
      assert.ok(alpha.keys.some((k) => k.secret_id === K.alpha.secretId && k.secret_key === K.alpha.secretKey && !('enabled' in k)));
      assert.ok(alpha.keys.some((k) => k.secret_id === 'AKIDadmAlphaGiven00000000000000000001' && k.secret_key === 'sixteen-chars-ok'));
      assert.ok(alpha.keys.every((k) => k.secret_id !== K.alphaOps.secretId), 'sub-user keys are listed under their sub-user');
      const ops = alpha.sub_users.find((u) => u.uin === UIN.alphaOps);
      assert.ok(ops.keys.some((k) => k.secret_id === K.alphaOps.secretId && k.secret_key === K.alphaOps.secretKey));
      assert.deepEqual(alpha.vouchers.find((v) => v.voucher_id === 'v-adm-alpha2'), {
        voucher_id: 'v-adm-alpha2', cash: true, nominal_fen: 8000, balance_fen: 6000, threshold_fen: 1000,
        begin_time: '2021-02-03T04:05:06Z', end_time: '2098-07-08T09:10:11Z', products: ['mna'], status: 'cancel',
      });
      assert.equal(alpha.balance_fen, await balanceFen(UIN.alpha));
      for (const a of exportA.accounts) for (const k of [...a.keys, ...a.sub_users.flatMap((u) => u.keys)]) secrets.add(k.secret_key);
    });

    it('a disabled key (root or sub-user) is exported with "enabled": false', async () => {
      h.adminOk(await api('PATCH', '/v1/keys/AKIDadmAlphaGiven00000000000000000001', { body: { enabled: false } }));
      h.adminOk(await api('PATCH', `/v1/keys/${AUDITOR_KEY_ID}`, { body: { enabled: false } }));
      exportA = await get('/v1/export');
      const alpha = exportA.accounts.find((a) => a.uin === UIN.alpha);
      assert.deepEqual(alpha.keys.find((k) => k.secret_id === 'AKIDadmAlphaGiven00000000000000000001'),
        { secret_id: 'AKIDadmAlphaGiven00000000000000000001', secret_key: 'sixteen-chars-ok', enabled: false });
      const beta = exportA.accounts.find((a) => a.uin === UIN.beta);
      const auditor = beta.sub_users.find((u) => u.keys.some((k) => k.secret_id === AUDITOR_KEY_ID));
      assert.deepEqual(auditor.keys, [{ secret_id: AUDITOR_KEY_ID, secret_key: 'adm-beta-auditor-secret-000000001', enabled: false }]);
      const betaPayer = beta.sub_users.find((u) => u.uin === '400000000032');
      assert.deepEqual(betaPayer, { uin: '400000000032', name: 'payer', allowed_actions: ['mna:OrderPerLicense', '*'], payment_allowed: true, keys: [] });
    });

    it('POST /v1/import into a fresh server reports what it created; exporting there gives the same document', async () => {
      assert.deepEqual((await getB('/v1/accounts')).accounts, []);
      const count = (f) => exportA.accounts.reduce((n, a) => n + f(a), 0);
      const want = {
        accounts: { created: exportA.accounts.length, skipped: 0 },
        keys: { created: count((a) => a.keys.length + a.sub_users.reduce((m, u) => m + u.keys.length, 0)), skipped: 0 },
        sub_users: { created: count((a) => a.sub_users.length), skipped: 0 },
        vouchers: { created: count((a) => a.vouchers.length), skipped: 0 },
        devices: { created: count((a) => a.devices.length), skipped: 0 },
        hardware: { created: count((a) => a.hardware.length), skipped: 0 },
      };
      const r = h.adminOk(await apiB('POST', '/v1/import', { body: exportA }));
      assert.deepEqual(r, { reset: false, applied: want, regions: ['ap-guangzhou', 'ap-shanghai'] });
      // The same content: accounts, keys (with secrets and enabled), sub-users, vouchers, devices, hardware.
      assert.deepEqual(normalisedExport(await getB('/v1/export')), normalisedExport(exportA));

      // The imported state works through the API of B.
      assert.equal(await h.balanceOf(B.port, K.alpha), exportA.accounts.find((a) => a.uin === UIN.alpha).balance_fen);
      assert.equal(await h.balanceOf(B.port, K.alphaOps), exportA.accounts.find((a) => a.uin === UIN.alpha).balance_fen);
      await h.expectCode(h.billingClient(B.port, { secretId: 'AKIDadmAlphaGiven00000000000000000001', secretKey: 'sixteen-chars-ok' })
        .DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
      await h.expectCode(h.mnaClient(B.port, { secretId: AUDITOR_KEY_ID, secretKey: 'adm-beta-auditor-secret-000000001' })
        .GetDevices({ PageNumber: -1, PageSize: -1 }), 'AuthFailure.SecretIdNotFound');
      const v = await h.vouchersOf(B.port, K.gamma);
      assert.equal(v['v-adm-gamma'].balance, 700);
      assert.deepEqual(await getB('/v1/prices'), await get('/v1/prices'));
    });

    it('the round trip is exact: export B == export A, element order included', async () => {
      assert.deepEqual(await getB('/v1/export'), exportA);
    });

    it('importing the same document again skips everything and changes nothing', async () => {
      const before = await getB('/v1/export');
      const journalBefore = await getB('/v1/journal');
      const r = h.adminOk(await apiB('POST', '/v1/import', { body: exportA }));
      assert.equal(r.reset, false);
      for (const [kind, c] of Object.entries(r.applied)) {
        assert.equal(c.created, 0, `${kind} created`);
      }
      assert.equal(r.applied.accounts.skipped, exportA.accounts.length);
      assert.equal(r.applied.keys.skipped, exportA.accounts.reduce((n, a) => n + a.keys.length + a.sub_users.reduce((m, u) => m + u.keys.length, 0), 0));
      assert.deepEqual(await getB('/v1/export'), before);
      assert.deepEqual(await getB('/v1/journal'), journalBefore);

      // Existing entities are skipped, not updated: a changed balance or secret is ignored.
      const changed = structuredClone(exportA);
      const alpha = changed.accounts.find((a) => a.uin === UIN.alpha);
      alpha.balance_fen = 1;
      alpha.name = 'changed';
      alpha.keys.find((k) => k.secret_id === K.alpha.secretId).secret_key = 'a-changed-secret-key-000000000001';
      const again = h.adminOk(await apiB('POST', '/v1/import', { body: changed }));
      assert.equal(again.applied.accounts.created, 0);
      assert.equal(again.applied.keys.created, 0);
      assert.deepEqual(await getB('/v1/export'), before);
      assert.equal(await h.balanceOf(B.port, K.alpha), exportA.accounts.find((a) => a.uin === UIN.alpha).balance_fen);
    });

    it('an invalid document is 400 with its JSON path and changes nothing', async () => {
      const before = await getB('/v1/export');
      const okAccount = { uin: '400000000901', app_id: 1300000901, name: 'good', balance_fen: 10, keys: [{ secret_id: 'AKIDadmImportGood0000000000000000001', secret_key: 'adm-import-good-secret-0000000001' }] };
      const badVoucher = { voucher_id: 'v-bad', nominal_fen: 1, begin_time: '2030-01-01T00:00:00Z', end_time: '2029-01-01T00:00:00Z' };
      const cases = [
        [{ version: 1, accounts: [{ uin: '400000000902', app_id: 1, name: 'bad', vouchers: [badVoucher] }] }, 'accounts[0].vouchers[0].end_time'],
        [{ version: 1, accounts: [okAccount, { uin: '400000000902', app_id: 1, name: 'bad', keys: [{ secret_id: 'AKIDx' }] }] }, 'accounts[1].keys[0].secret_key'],
        [{ version: 1, accounts: [okAccount, { ...okAccount, keys: [] }] }, 'accounts[1].uin'],
        [{ version: 2, accounts: [] }, 'version'],
        [{ accounts: [okAccount] }, 'version'],
        [{ version: 1, regions: [] }, 'regions'],
        [{ version: 1, regions: ['AP_Guangzhou'] }, 'regions[0]'],
        [{ version: 1, prices: { license_fen: -1 } }, 'prices.license_fen'],
        [{ version: 1, accounts: [okAccount], colour: 'red' }, 'colour'],
        [{ version: 1, accounts: [{ ...okAccount, colour: 'red' }] }, 'accounts[0].colour'],
      ];
      for (const [body, field] of cases) {
        h.adminError(await apiB('POST', '/v1/import', { body }), 400, 'invalid_field', field);
      }
      h.adminError(await apiB('POST', '/v1/import', { rawBody: '[]' }), 400, 'invalid_json');
      assert.deepEqual(await getB('/v1/export'), before);
      h.adminError(await apiB('GET', '/v1/accounts/400000000901'), 404, 'not_found', 'uin');
    });

    it('imported regions replace the accepted ones at once (UnsupportedRegion otherwise)', async () => {
      const r = h.adminOk(await apiB('POST', '/v1/import', { body: { version: 1, regions: ['ap-singapore', 'ap-beijing'] } }));
      assert.deepEqual(r, {
        reset: false,
        applied: Object.fromEntries(['accounts', 'keys', 'sub_users', 'vouchers', 'devices', 'hardware'].map((k) => [k, { created: 0, skipped: 0 }])),
        regions: ['ap-beijing', 'ap-singapore'],
      });
      assert.deepEqual((await getB('/v1/export')).regions, ['ap-beijing', 'ap-singapore']);
      const balance = exportA.accounts.find((a) => a.uin === UIN.gamma).balance_fen;
      await h.expectCode(h.billingClient(B.port, K.gamma, { region: 'ap-guangzhou' }).DescribeAccountBalance({}), 'UnsupportedRegion');
      assert.equal((await h.billingClient(B.port, K.gamma, { region: 'ap-beijing' }).DescribeAccountBalance({})).Balance, balance);
    });
  });

  // -------------------------------------------------------------- clock

  describe('test clock: GET /v1/clock, POST /v1/clock/{freeze,advance,resume}', () => {
    const CLOCK_FIELDS = ['enabled', 'frozen', 'now', 'now_unix_ms', 'offset_ms'];
    const clock = async () => (await get('/v1/clock')).clock;
    const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

    it('GET shows a running clock at real time', async () => {
      const c = await clock();
      assert.deepEqual(Object.keys(c).sort(), CLOCK_FIELDS);
      assert.equal(c.enabled, true);
      assert.equal(c.frozen, false);
      assert.ok(Math.abs(c.now_unix_ms - Date.now()) < 5000);
      assert.ok(Math.abs(c.offset_ms) < 1000, `offset ${c.offset_ms}`);
      assert.equal(c.now, iso(c.now_unix_ms));
    });

    it('freeze {at} makes now equal it and stops it; advance moves it; bad bodies are 400 and change nothing', async () => {
      const at = '2030-05-06T07:08:09Z';
      const r = h.adminOk(await api('POST', '/v1/clock/freeze', { body: { at } }));
      assert.deepEqual(Object.keys(r), ['clock']);
      assert.equal(r.clock.enabled, true);
      assert.equal(r.clock.frozen, true);
      assert.equal(r.clock.now, at);
      assert.equal(r.clock.now_unix_ms, Date.parse(at));
      assert.ok(Math.abs(r.clock.offset_ms - (Date.parse(at) - Date.now())) < 5000);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const still = await clock();
      assert.equal(still.now, at);
      assert.equal(still.now_unix_ms, Date.parse(at));
      assert.equal(still.frozen, true);

      const adv = h.adminOk(await api('POST', '/v1/clock/advance', { body: { seconds: 3600 } }));
      assert.equal(adv.clock.now, '2030-05-06T08:08:09Z');
      assert.equal(adv.clock.now_unix_ms, Date.parse(at) + 3600 * 1000);
      assert.equal(adv.clock.frozen, true);

      for (const [urlPath, body, field] of [
        ['/v1/clock/advance', { seconds: 0 }, 'seconds'],
        ['/v1/clock/advance', { seconds: -1 }, 'seconds'],
        ['/v1/clock/advance', { seconds: 1.5 }, 'seconds'],
        ['/v1/clock/advance', { seconds: '60' }, 'seconds'],
        ['/v1/clock/advance', { seconds: 100 * 365 * 86400 + 1 }, 'seconds'],
        ['/v1/clock/advance', {}, 'seconds'],
        ['/v1/clock/advance', { seconds: 1, at: at }, 'at'],
        ['/v1/clock/freeze', { at: 'tomorrow' }, 'at'],
        ['/v1/clock/freeze', { at: '2030-05-06 07:08:09' }, 'at'],
        ['/v1/clock/freeze', { at: 5 }, 'at'],
        ['/v1/clock/freeze', { at, colour: 1 }, 'colour'],
        ['/v1/clock/resume', { colour: 1 }, 'colour'],
      ]) {
        h.adminError(await api('POST', urlPath, { body }), 400, 'invalid_field', field);
      }
      const unchanged = await clock();
      assert.equal(unchanged.now, '2030-05-06T08:08:09Z');
      assert.equal(unchanged.frozen, true);

      // The upper bound, 100 years, is accepted.
      const far = h.adminOk(await api('POST', '/v1/clock/advance', { body: { seconds: 100 * 365 * 86400 } }));
      assert.equal(far.clock.now_unix_ms, Date.parse('2030-05-06T08:08:09Z') + 100 * 365 * 86400 * 1000);
      // freeze {} stops the clock where it is.
      const here = h.adminOk(await api('POST', '/v1/clock/freeze', { body: {} }));
      assert.equal(here.clock.now_unix_ms, far.clock.now_unix_ms);
      assert.equal(here.clock.frozen, true);
    });

    it('resume lets the clock run again', async () => {
      h.adminOk(await api('POST', '/v1/clock/freeze', { body: { at: '2030-01-01T00:00:00Z' } }));
      const r = h.adminOk(await api('POST', '/v1/clock/resume', { body: {} }));
      assert.equal(r.clock.frozen, false);
      assert.ok(r.clock.now_unix_ms >= Date.parse('2030-01-01T00:00:00Z'));
      assert.ok(r.clock.now_unix_ms < Date.parse('2030-01-01T00:01:00Z'));
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const later = await clock();
      assert.equal(later.frozen, false);
      assert.ok(later.now_unix_ms - r.clock.now_unix_ms >= 1000, 'the clock runs');
      assert.ok(Math.abs(later.offset_ms - r.clock.offset_ms) < 1000, 'resuming keeps the offset');
      // Resume without a body is fine too.
      assert.equal(h.adminOk(await api('POST', '/v1/clock/resume')).clock.frozen, false);
    });

    it('business records take the test clock\'s time', async () => {
      const at = '2031-03-04T05:06:07Z';
      h.adminOk(await api('POST', '/v1/clock/freeze', { body: { at } }));
      const r = h.adminOk(await api('POST', `/v1/accounts/${UIN.gamma}/balance/topup`, { body: { amount_fen: 1, reason: 'clock' } }));
      assert.equal(r.journal.at, at);
      const { journal } = await get(`/v1/accounts/${UIN.gamma}/journal`);
      assert.equal(journal[journal.length - 1].at, at);
      h.adminOk(await api('POST', `/v1/accounts/${UIN.gamma}/balance/adjust`, { body: { delta_fen: -1, reason: 'clock back' } }));
    });

    it('past a voucher\'s end_time, OrderPerLicense no longer uses it and DescribeVoucherInfo calls it overdue', async () => {
      const nowMs = Date.now();
      const start = iso(nowMs);
      h.adminOk(await api('POST', '/v1/clock/freeze', { body: { at: start } }));
      const end = iso(nowMs + 86400 * 1000);
      h.adminOk(await api('POST', `/v1/accounts/${UIN.alpha}/vouchers`, {
        body: { voucher_id: 'v-adm-expiring', nominal_fen: 5000, begin_time: '2020-01-01T00:00:00Z', end_time: end },
      }), 201);
      assert.equal((await h.vouchersOf(A.port, K.alpha))['v-adm-expiring'].status, 'unUsed');

      const adv = h.adminOk(await api('POST', '/v1/clock/advance', { body: { seconds: 2 * 86400 } }));
      assert.equal(adv.clock.now, iso(Date.parse(start) + 2 * 86400 * 1000));
      assert.equal((await h.vouchersOf(A.port, K.alpha))['v-adm-expiring'].status, 'overdue');

      const fee = await price();
      const balanceBefore = await balanceFen(UIN.alpha);
      const res = await mna(K.alpha).OrderPerLicense({ DeviceId: 'mna-adm-a06', Type: 0, AutoVoucher: true, RollBack: false });
      assert.equal(await h.balanceOf(A.port, K.alpha), balanceBefore - fee, 'the overdue voucher paid nothing');
      const o = (await get(`/v1/accounts/${UIN.alpha}/orders`)).orders.find((x) => x.resource_id === res.ResourceId);
      assert.equal(o.voucher_id, null);
      assert.equal(o.voucher_fen, 0);
      assert.equal(o.created_at, adv.clock.now, 'the order is dated by the test clock');
      const v = (await get(`/v1/accounts/${UIN.alpha}/vouchers`)).vouchers.find((x) => x.voucher_id === 'v-adm-expiring');
      assert.equal(v.balance_fen, 5000);

      // Back to real time.
      h.adminOk(await api('POST', '/v1/clock/freeze', { body: { at: iso(Date.now()) } }));
      const resumed = h.adminOk(await api('POST', '/v1/clock/resume', { body: {} }));
      assert.ok(Math.abs(resumed.clock.offset_ms) < 5000);
    });
  });

  // -------------------------------------------------------------- audit log

  describe('audit log on stderr', () => {
    const FINGERPRINT = `admin-token:${crypto.createHash('sha256').update(TOKEN).digest('hex').slice(0, 8)}`;

    it('writes exactly one JSON line per mutation, with who/method/path/status (and error when refused)', async () => {
      const url = `/v1/accounts/${UIN.gamma}/balance/topup`;
      const countFor = (method, p) => adminLogLines(A).filter((l) => l.method === method && l.path === p).length;
      // The audit log never carries a SecretId: the path names the key by its hash.
      const noSuchKeyId = 'AKIDadmNoSuchKey00000000000000000001';
      const noSuchKey = `/v1/keys/sha256:${crypto.createHash('sha256').update(noSuchKeyId).digest('hex').slice(0, 12)}`;
      const before = countFor('POST', url);
      const patchesBefore = countFor('PATCH', noSuchKey);
      h.adminOk(await api('POST', url, { body: { amount_fen: 3, reason: 'audit' } }));
      await waitForOutput(A, () => countFor('POST', url) === before + 1, 'the audit line of the top-up');
      h.adminError(await api('POST', url, { body: { amount_fen: 0, reason: 'audit' } }), 400, 'invalid_field', 'amount_fen');
      await waitForOutput(A, () => countFor('POST', url) === before + 2, 'the audit line of the refused top-up');
      h.adminError(await api('PATCH', '/v1/keys/AKIDadmNoSuchKey00000000000000000001', { body: { enabled: true } }), 404, 'not_found', 'secret_id');
      await waitForOutput(A, () => countFor('PATCH', noSuchKey) === patchesBefore + 1, 'the audit line of the refused PATCH');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(countFor('POST', url), before + 2, 'one line per mutation, no more');
      assert.equal(countFor('PATCH', noSuchKey), patchesBefore + 1, 'one line per mutation, no more');

      const lines = adminLogLines(A).filter((l) => l.method === 'POST' && l.path === url).slice(-2);
      for (const l of lines) assert.match(l.time, TIME_RE);
      assert.deepEqual(lines.map(({ time: _t, ...rest }) => rest), [
        { kind: 'admin', who: FINGERPRINT, method: 'POST', path: url, status: 200 },
        { kind: 'admin', who: FINGERPRINT, method: 'POST', path: url, status: 400, error: 'invalid_field' },
      ]);
      const patchLine = adminLogLines(A).filter((l) => l.method === 'PATCH' && l.path === noSuchKey).pop();
      const { time: _t, ...patchRest } = patchLine;
      assert.deepEqual(patchRest, {
        kind: 'admin', who: FINGERPRINT, method: 'PATCH', path: noSuchKey, status: 404, error: 'not_found',
      });
      assert.ok(!adminLogLines(A).some((l) => JSON.stringify(l).includes('AKID')), 'no SecretId in any audit line');
      h.adminOk(await api('POST', url, { body: { amount_fen: 1, reason: 'audit' } }));
      h.adminOk(await api('POST', `/v1/accounts/${UIN.gamma}/balance/adjust`, { body: { delta_fen: -4, reason: 'audit back' } }));
    });

    it('logs no line for reads', async () => {
      await get(`/v1/accounts/${UIN.gamma}/journal`);
      await get('/v1/export');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = adminLogLines(A);
      assert.ok(lines.length > 0);
      assert.deepEqual(lines.filter((l) => l.method === 'GET'), []);
      for (const l of lines) {
        assert.equal(l.kind, 'admin');
        assert.equal(l.who, FINGERPRINT);
        assert.ok(['POST', 'PATCH', 'PUT', 'DELETE'].includes(l.method), JSON.stringify(l));
      }
      // Every mutation of this file went through the log; a sample of them:
      for (const [method, p] of [['POST', '/v1/accounts'], ['PUT', '/v1/prices'], ['POST', '/v1/clock/freeze'],
        ['DELETE', `/v1/keys/sha256:${crypto.createHash('sha256').update('AKIDadmGammaTemp000000000000000000001').digest('hex').slice(0, 12)}`],
        ['PATCH', `/v1/accounts/${UIN.gamma}`]]) {
        assert.ok(lines.some((l) => l.method === method && l.path === p), `${method} ${p} was logged`);
      }
    });

    it('never writes a secret key or the admin token to stdout or stderr', async () => {
      const { stdout, stderr } = A.output();
      assert.ok(secrets.size > 10, `collected ${secrets.size} secrets`);
      for (const s of secrets) {
        assert.ok(!stdout.includes(s), `secret key ${s} in stdout`);
        assert.ok(!stderr.includes(s), `secret key ${s} in stderr`);
      }
      assert.ok(!stdout.includes(TOKEN), 'the admin token in stdout');
      assert.ok(!stderr.includes(TOKEN), 'the admin token in stderr');
      assert.ok(!stderr.includes(TOKEN.slice(0, 24)), 'a prefix of the admin token in stderr');
    });
  });
});

// ================================================================ server N

describe('admin API without --test-clock, with a generated token (server N)', () => {
  let N;
  let seedFile;
  const api = (method, urlPath, opts) => h.admin(N, method, urlPath, opts);

  before(async () => {
    seedFile = h.writeSeed(SEED);
    N = await h.startServer({ seed: seedFile.path });
  });
  after(async () => {
    await h.stopAndAssertClean(N);
    if (seedFile) seedFile.remove();
  });

  it('generates a 0600 token file, prints it once on stdout and nowhere else', async () => {
    assert.match(N.adminToken, /^[0-9a-f]{64}$/);
    const file = path.join(N.dataDir, 'admin-token');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), N.adminToken);
    const { stdout } = N.output();
    assert.equal(stdout.split(N.adminToken).length - 1, 1, 'printed exactly once');
    assert.ok(stdout.includes(`mnad admin token (saved to ${file}, mode 0600): ${N.adminToken}`));
    h.adminOk(await api('POST', `/v1/accounts/${UIN.gamma}/balance/topup`, { body: { amount_fen: 1, reason: 'n' } }));
    await waitForOutput(N, (err) => err.includes('"kind":"admin"'), 'an audit line');
    assert.ok(!N.output().stderr.includes(N.adminToken), 'the token is not in stderr');
    h.adminError(await api('GET', '/info', { token: 'f'.repeat(64) }), 401, 'unauthorized');
  });

  it('GET /info: test_clock false, exact counts of the seed, API requests counted', async () => {
    const info = h.adminOk(await api('GET', '/info'));
    assert.equal(info.test_clock, false);
    assert.deepEqual(info.store, h.expectedStoreInfo(N.dataDir));
    assert.deepEqual(info.counts, {
      accounts: 4, sub_users: 1, api_keys: 5, vouchers: 1, devices: 9, hardware: 1,
      licenses: 0, orders: 0, flow_packages: 0, journal: 5, // 4 from the seed + the top-up above
    });
    assert.equal(info.requests, 0);
    assert.equal(await h.balanceOf(N.port, K.gamma), 301);
    assert.equal(h.adminOk(await api('GET', '/info')).requests, 1);
  });

  it('the clock shows enabled:false and every change is 409 test_clock_disabled', async () => {
    const { clock } = h.adminOk(await api('GET', '/v1/clock'));
    assert.equal(clock.enabled, false);
    assert.equal(clock.frozen, false);
    assert.equal(clock.offset_ms, 0);
    assert.ok(Math.abs(clock.now_unix_ms - Date.now()) < 5000);
    for (const [p, body] of [
      ['/v1/clock/freeze', { at: '2030-01-01T00:00:00Z' }], ['/v1/clock/freeze', {}], ['/v1/clock/advance', { seconds: 60 }],
      ['/v1/clock/advance', { seconds: 0 }], ['/v1/clock/resume', {}],
    ]) {
      h.adminError(await api('POST', p, { body }), 409, 'test_clock_disabled');
    }
    const after = h.adminOk(await api('GET', '/v1/clock')).clock;
    assert.equal(after.frozen, false);
    assert.equal(after.offset_ms, 0);
  });
});

// ================================================================ server M

describe('admin API with --in-memory (server M)', { skip: h.PG_URL ? 'the in-memory store is a SQLite one' : false }, () => {
  let M;
  let seedFile;

  before(async () => {
    seedFile = h.writeSeed(SEED);
    M = await h.startServer({ seed: seedFile.path, extraArgs: [...h.CONFORMANCE_ARGS, '--in-memory'] });
  });
  after(async () => {
    await h.stopAndAssertClean(M);
    if (seedFile) seedFile.remove();
  });

  it('prints a this-run-only token, saves none, and /info reports the store in memory', async () => {
    assert.match(M.adminToken, /^[0-9a-f]{64}$/);
    assert.ok(M.output().stdout.includes(`mnad admin token (this run only): ${M.adminToken}`));
    assert.ok(!fs.existsSync(path.join(M.dataDir, 'admin-token')));
    const info = h.adminOk(await h.admin(M, 'GET', '/info'));
    assert.equal(info.store.backend, 'sqlite');
    assert.equal(info.store.in_memory, true);
    assert.equal(info.store.durable_replies, true);
    assert.match(info.store.path, /^\/dev\/shm\/.+\/mnad\.db$/);
    assert.equal(info.counts.accounts, 4);
    h.adminOk(await h.admin(M, 'POST', `/v1/accounts/${UIN.beta}/balance/topup`, { body: { amount_fen: 10, reason: 'm' } }));
    assert.equal(await h.balanceOf(M.port, K.beta), 5010);
    await waitForOutput(M, (err) => err.includes('"kind":"admin"'), 'an audit line');
    assert.ok(!M.output().stderr.includes(M.adminToken));
  });
});

// ================================================================ server R

describe('POST /v1/reset (server R)', () => {
  let R;
  let seedFile;
  const api = (method, urlPath, opts) => h.admin(R, method, urlPath, opts);
  const get = async (urlPath) => h.adminOk(await api('GET', urlPath));
  const FRESH = {
    version: 1,
    regions: ['ap-singapore', 'ap-beijing'],
    prices: { license_fen: 777 },
    accounts: [{
      uin: '400000000501', app_id: 1300000601, name: 'fresh', identity_verified: true, service_authorized: true, balance_fen: 4242,
      keys: [{ secret_id: 'AKIDadmFreshRoot000000000000000000001', secret_key: 'adm-fresh-root-secret-00000000001' }],
      devices: [{ device_id: 'mna-adm-f01', name: 'f-1', license_pay_mode: 1 }],
    }],
  };
  const freshKey = { secretId: FRESH.accounts[0].keys[0].secret_id, secretKey: FRESH.accounts[0].keys[0].secret_key };

  before(async () => {
    seedFile = h.writeSeed(SEED);
    R = await h.startServer({ seed: seedFile.path, extraArgs: [...h.CONFORMANCE_ARGS, '--admin-token', TOKEN] });
  });
  after(async () => {
    await h.stopAndAssertClean(R);
    if (seedFile) seedFile.remove();
  });

  it('an invalid seed is 400 with the path prefixed "seed." and nothing is reset', async () => {
    const before = await get('/v1/export');
    for (const [body, field] of [
      [{ seed: { version: 1, accounts: [{ uin: 'x', app_id: 1, name: 'bad' }] } }, 'seed.accounts[0].uin'],
      [{ seed: { version: 1, accounts: [{ uin: '1', app_id: 1, name: 'ok' }, { uin: '2', app_id: 1, name: 'bad', vouchers: [{ voucher_id: 'v-x', nominal_fen: 1, begin_time: '2030-01-01T00:00:00Z', end_time: '2020-01-01T00:00:00Z' }] }] } }, 'seed.accounts[1].vouchers[0].end_time'],
      [{ seed: { version: 3 } }, 'seed.version'],
      [{ seed: { version: 1, regions: [] } }, 'seed.regions'],
      [{ seed: 'nope' }, 'seed'],
      [{ seed: [] }, 'seed'],
      [{ colour: 1 }, 'colour'],
      [{ seed: { version: 1 }, colour: 1 }, 'colour'],
    ]) {
      h.adminError(await api('POST', '/v1/reset', { body }), 400, 'invalid_field', field);
    }
    h.adminError(await api('POST', '/v1/reset', { rawBody: '[]' }), 400, 'invalid_json');
    assert.deepEqual(await get('/v1/export'), before);
    assert.equal(await h.balanceOf(R.port, K.alpha), 1000000);
  });

  it('{} empties everything: no accounts, no journal, zero counts, old keys refused', async () => {
    assert.equal(await h.balanceOf(R.port, K.alpha), 1000000); // cached credential
    const r = h.adminOk(await api('POST', '/v1/reset', { body: {} }));
    assert.equal(r.reset, true);
    assert.ok(!('applied' in r), 'nothing applied without a seed');
    assert.deepEqual(await get('/v1/accounts'), { accounts: [] });
    assert.deepEqual(await get('/v1/journal'), { journal: [] });
    assert.deepEqual((await get('/info')).counts, {
      accounts: 0, sub_users: 0, api_keys: 0, vouchers: 0, devices: 0, hardware: 0, licenses: 0, orders: 0, flow_packages: 0, journal: 0,
    });
    assert.deepEqual((await get('/v1/export')).accounts, []);
    h.adminError(await api('GET', `/v1/accounts/${UIN.alpha}`), 404, 'not_found', 'uin');
    for (const cred of [K.alpha, K.alphaOps, K.gamma]) {
      await h.expectCode(h.billingClient(R.port, cred).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
    }
    await h.expectCode(h.mnaClient(R.port, K.alpha).GetDevices({ PageNumber: -1, PageSize: -1 }), 'AuthFailure.SecretIdNotFound');
    // The store takes new state afterwards.
    const created = h.adminOk(await api('POST', '/v1/accounts', { body: FRESH.accounts[0] }), 201);
    assert.equal(created.account.balance_fen, 4242);
    assert.equal(await h.balanceOf(R.port, freshKey), 4242);
  });

  it('{"seed"} resets then applies the seed; its regions apply to API calls at once', async () => {
    // Put the admin seed back first, so that the reset below has something to remove.
    const first = h.adminOk(await api('POST', '/v1/reset', { body: { seed: SEED } }));
    assert.equal(first.reset, true);
    assert.deepEqual(first.regions, ['ap-guangzhou', 'ap-shanghai']);
    assert.deepEqual(first.applied.accounts, { created: 4, skipped: 0 });
    await h.expectCode(h.billingClient(R.port, freshKey).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
    assert.equal(await h.balanceOf(R.port, K.alpha), 1000000);

    const r = h.adminOk(await api('POST', '/v1/reset', { body: { seed: FRESH } }));
    assert.deepEqual(r, {
      reset: true,
      applied: {
        accounts: { created: 1, skipped: 0 }, keys: { created: 1, skipped: 0 }, sub_users: { created: 0, skipped: 0 },
        vouchers: { created: 0, skipped: 0 }, devices: { created: 1, skipped: 0 }, hardware: { created: 0, skipped: 0 },
      },
      regions: ['ap-beijing', 'ap-singapore'],
    });
    assert.deepEqual((await get('/v1/accounts')).accounts.map((a) => a.uin), ['400000000501']);
    assert.equal((await get('/v1/prices')).prices.license_fen, 777);
    await h.expectCode(h.billingClient(R.port, K.alpha, { region: 'ap-beijing' }).DescribeAccountBalance({}), 'AuthFailure.SecretIdNotFound');
    assert.equal((await h.billingClient(R.port, freshKey, { region: 'ap-beijing' }).DescribeAccountBalance({})).Balance, 4242);
    assert.equal((await h.billingClient(R.port, freshKey, { region: 'ap-singapore' }).DescribeAccountBalance({})).Balance, 4242);
    await h.expectCode(h.billingClient(R.port, freshKey, { region: 'ap-guangzhou' }).DescribeAccountBalance({}), 'UnsupportedRegion');
    await h.expectCode(h.mnaClient(R.port, freshKey, { region: 'ap-shanghai' }).GetDevices({ PageNumber: -1, PageSize: -1 }), 'UnsupportedRegion');
    // The journal starts over with the seed's opening balance.
    const { journal } = await get('/v1/journal');
    assert.equal(journal.length, 1);
    assert.equal(journal[0].account_uin, '400000000501');
    assert.equal(journal[0].delta_fen, 4242);
    assert.equal(journal[0].reason, 'seed: opening balance');
    // The new price is charged.
    const res = await h.mnaClient(R.port, freshKey, { region: 'ap-beijing' }).OrderPerLicense({ DeviceId: 'mna-adm-f01', Type: 0, RollBack: false });
    assert.match(res.ResourceId, /-0$/);
    assert.equal((await h.billingClient(R.port, freshKey, { region: 'ap-beijing' }).DescribeAccountBalance({})).Balance, 4242 - 777);
  });
});

// ================================================================ the test clock is stored

describe('the test clock is kept in the store: a restarted server (another node) reads the same time', () => {
  it('a frozen clock stays frozen at its time across a restart; without --test-clock the stored state is ignored', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-clock-'));
    const args = [...h.CONFORMANCE_ARGS, '--admin-token', TOKEN, '--test-clock'];
    let S;
    try {
      S = await h.startServer({ seed: null, dataDir, extraArgs: args });
      const at = '2032-02-03T04:05:06Z';
      h.adminOk(await h.admin(S, 'POST', '/v1/clock/freeze', { body: { at } }));
      h.adminOk(await h.admin(S, 'POST', '/v1/clock/advance', { body: { seconds: 60 } }));
      await h.stopAndAssertClean(S);

      S = await h.startServer({ seed: null, dataDir, extraArgs: args });
      const { clock } = h.adminOk(await h.admin(S, 'GET', '/v1/clock'));
      assert.equal(clock.frozen, true);
      assert.equal(clock.now, '2032-02-03T04:06:06Z');
      // Resumed, it runs on from there after another restart too.
      h.adminOk(await h.admin(S, 'POST', '/v1/clock/resume', { body: {} }));
      await h.stopAndAssertClean(S);

      S = await h.startServer({ seed: null, dataDir, extraArgs: args });
      const resumed = h.adminOk(await h.admin(S, 'GET', '/v1/clock')).clock;
      assert.equal(resumed.frozen, false);
      assert.ok(resumed.now_unix_ms >= Date.parse('2032-02-03T04:06:06Z'));
      assert.ok(resumed.now_unix_ms < Date.parse('2032-02-03T04:07:06Z'), resumed.now);
      await h.stopAndAssertClean(S);

      S = await h.startServer({ seed: null, dataDir, extraArgs: [...h.CONFORMANCE_ARGS, '--admin-token', TOKEN] });
      const real = h.adminOk(await h.admin(S, 'GET', '/v1/clock')).clock;
      assert.equal(real.enabled, false);
      assert.ok(Math.abs(real.now_unix_ms - Date.now()) < 5000, real.now);
      await h.stopAndAssertClean(S);
    } finally {
      await S.stop();  // after a failed assertion; idempotent
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
