'use strict';
// A catalogue of hostile inputs, table-driven, against one real mnad: HTTP
// framing, authentication, parameters and the admin API. For every input it
// asserts the exact reply (status, code, whether the connection closes), and
// that the reply is valid JSON text; after the whole catalogue it asserts
// that the server is up, that the state is unchanged, and that memory and
// the log grew within a bound.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const { exchange, signedText } = require('./raw_http');

const { KEYS } = h;
const MiB = 1024 * 1024;

// The bounds this file asserts (README, Limits).
const LOG_BYTES_PER_REQUEST_MAX = 600;
const ERROR_MESSAGE_BYTES_MAX = 1100; // 1,024 bytes and the "…(N bytes)" marker
const RSS_GROWTH_KIB_MAX = 64 * 1024;

function plain(lines, body = '') {
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

// An unsigned request of `method` with the given header lines.
function unsigned(method, extra = [], body = '') {
  return plain([`${method} / HTTP/1.1`, 'Host: 127.0.0.1', ...extra], body);
}

const FOLLOW_UP = unsigned('GET', ['X-Smuggled: yes']);

// Each case: name, text (or a function of the test context returning it),
// and the reply expected: HTTP status, the envelope's (or admin API's) error
// code, or success; `closed` whether the server then closes.
function apiCatalogue() {
  const now = () => Math.floor(Date.now() / 1000);
  return [
    // ---------------------------------------------------------- HTTP framing
    { name: 'Transfer-Encoding: gzip without Content-Length, then a smuggled request',
      text: () => unsigned('POST', ['Transfer-Encoding: gzip']) + FOLLOW_UP,
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'Transfer-Encoding: chunked, identity',
      text: () => unsigned('POST', ['Transfer-Encoding: chunked, identity']) + '0\r\n\r\n' + FOLLOW_UP,
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'Transfer-Encoding: identity',
      text: () => unsigned('POST', ['Transfer-Encoding: identity']) + FOLLOW_UP,
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'Transfer-Encoding: chunked with Content-Length',
      text: () => unsigned('POST', ['Transfer-Encoding: chunked', 'Content-Length: 5']) + '0\r\n\r\n' + FOLLOW_UP,
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'two Transfer-Encoding headers',
      text: () => unsigned('POST', ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']) + '0\r\n\r\n',
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'two different Content-Length headers',
      text: () => unsigned('POST', ['Content-Length: 2', 'Content-Length: 3'], '{}x'),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'Content-Length with a letter',
      text: () => unsigned('POST', ['Content-Length: 2a'], '{}'),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'negative Content-Length',
      text: () => unsigned('POST', ['Content-Length: -1']),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'Content-Length past 2^64',
      text: () => unsigned('POST', ['Content-Length: 99999999999999999999999']),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'Content-Length of 11 MiB (above the 10 MB TC3 limit)',
      text: () => unsigned('POST', [`Content-Length: ${11 * MiB}`, 'Content-Type: application/json']),
      status: 200, code: 'RequestSizeLimitExceeded', closed: true },
    { name: 'a header section above 64 KiB',
      text: () => unsigned('GET', [`X-Padding: ${'a'.repeat(70 * 1024)}`]),
      status: 200, code: 'RequestSizeLimitExceeded', closed: true },
    { name: 'a request line that is not HTTP',
      text: () => 'GARBAGE\r\n\r\n',
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'HTTP/2.0 in the request line',
      text: () => plain(['GET / HTTP/2.0', 'Host: 127.0.0.1']),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'a header line without a colon',
      text: () => unsigned('GET', ['NoColonHere']),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'a space inside a header name',
      text: () => unsigned('GET', ['Bad Name: x']),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'an obsolete folded header line is unfolded (RFC 9112 §5.2 allows it)',
      text: () => unsigned('GET', ['X-A: one', ' folded']),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'a NUL byte in a header value',
      text: () => unsigned('GET', ['X-A: a\u0000b']),
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'a chunk size that is not hexadecimal',
      text: () => unsigned('POST', ['Transfer-Encoding: chunked', 'Content-Type: application/json']) + 'zz\r\n{}\r\n0\r\n\r\n',
      status: 400, code: 'InvalidRequest', closed: true },
    { name: 'a chunk above the 10 MB body limit',
      text: () => unsigned('POST', ['Transfer-Encoding: chunked', 'Content-Type: application/json']) + 'A00001\r\n',
      status: 200, code: 'RequestSizeLimitExceeded', closed: true },
    { name: 'a signed request with a chunked body',
      text: () => {
        const body = JSON.stringify({ DeviceId: 'mna-acme0001' });
        const text = signedText({ action: 'GetDevice', body, contentLength: null, extraLines: ['Transfer-Encoding: chunked'] });
        return text.slice(0, text.length - body.length) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      },
      status: 200, code: null, closed: false },
    { name: 'the method DELETE',
      text: () => unsigned('DELETE', ['Content-Length: 0']),
      status: 200, code: 'UnsupportedProtocol', closed: false },
    { name: 'the method OPTIONS',
      text: () => unsigned('OPTIONS', ['Content-Length: 0']),
      status: 200, code: 'UnsupportedProtocol', closed: false },
    { name: 'an absolute-form target',
      text: () => plain(['GET http://127.0.0.1/?Action=DescribeRegions HTTP/1.1', 'Host: 127.0.0.1']),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'an unsigned GET with raw bytes 0xFF in the query',
      text: () => Buffer.concat([Buffer.from('GET /?DeviceId=mna-'), Buffer.from([0xff, 0xfe]),
        Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')]),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a GET query of 40 KB',
      text: () => unsigned('GET').replace('GET / ', `GET /?Pad=${'a'.repeat(40 * 1024)} `),
      status: 200, code: 'RequestSizeLimitExceeded', closed: false },

    // ------------------------------------------------------- authentication
    { name: 'no signature at all',
      text: () => unsigned('POST', ['Content-Type: application/json', 'Content-Length: 2'], '{}'),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'Authorization with only the algorithm',
      text: () => signedText({ authorization: 'TC3-HMAC-SHA256' }),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'Authorization of 60 KB of garbage',
      text: () => signedText({ authorization: 'x'.repeat(60 * 1024) }),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'an unknown SecretId',
      text: () => signedText({ credential: KEYS.unknown }),
      status: 200, code: 'AuthFailure.SecretIdNotFound', closed: false },
    { name: 'a wrong signature',
      text: () => signedText({ credential: { secretId: KEYS.acmeRoot.secretId, secretKey: 'not-the-key' } }),
      status: 200, code: 'AuthFailure.SignatureFailure', closed: false },
    { name: 'a timestamp an hour old',
      text: () => signedText({ timestamp: now() - 3600 }),
      status: 200, code: 'AuthFailure.SignatureExpire', closed: false },
    { name: 'a timestamp that is not a number',
      text: () => signedText().replace(/X-TC-Timestamp: \d+/, 'X-TC-Timestamp: soon'),
      status: 200, code: 'InvalidParameterValue', closed: false },
    { name: 'the algorithm TC3-HMAC-SHA512',
      text: () => signedText({ authorization: 'TC3-HMAC-SHA512 Credential=a/b/mna/tc3_request, SignedHeaders=host, Signature=00' }),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'invalid UTF-8 in the Authorization header',
      text: () => {
        const [head, tail] = signedText({ authorization: 'AUTHMARK' }).split('AUTHMARK');
        return Buffer.concat([Buffer.from(head + 'TC3-HMAC-SHA256 Credential='), Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('/x, SignedHeaders=host, Signature=00' + tail)]);
      },
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'a legacy request without Signature',
      text: () => unsigned('GET').replace('GET / ', `GET /?Action=DescribeRegions&Version=2021-01-19&Region=ap-guangzhou&Timestamp=${now()}&Nonce=1&SecretId=${KEYS.acmeRoot.secretId} `),
      status: 200, code: 'AuthFailure.InvalidAuthorization', closed: false },
    { name: 'a legacy request with SignatureMethod HmacMD5',
      text: () => unsigned('GET').replace('GET / ', `GET /?Action=DescribeRegions&Version=2021-01-19&Region=ap-guangzhou&Timestamp=${now()}&Nonce=1&SecretId=${KEYS.acmeRoot.secretId}&SignatureMethod=HmacMD5&Signature=abc `),
      status: 200, code: 'AuthFailure.SignatureFailure', closed: false },

    // ------------------------------------------------------------- parameters
    { name: 'a JSON body that does not parse',
      text: () => signedText({ action: 'GetDevice', body: '{' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a JSON body that is an array',
      text: () => signedText({ action: 'GetDevice', body: '[]' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'invalid UTF-8 inside a JSON string',
      text: () => {
        const body = Buffer.concat([Buffer.from('{"DeviceId":"mna-'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
        return Buffer.concat([Buffer.from(signedText({ action: 'GetDevice', body: body.toString('latin1'), contentLength: body.length }).slice(0, -body.length)), body]);
      },
      status: 200, code: 'AuthFailure.SignatureFailure', closed: false },
    { name: 'JSON nested 10,000 levels deep',
      text: () => signedText({ action: 'GetDevice', body: '['.repeat(10000) + ']'.repeat(10000) }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a DeviceId of 100 KB',
      text: () => signedText({ action: 'GetDevice', body: JSON.stringify({ DeviceId: 'd'.repeat(100 * 1024) }) }),
      status: 200, code: 'InvalidParameterValue', closed: false },
    { name: 'Type as a string',
      text: () => signedText({ action: 'OrderPerLicense', body: JSON.stringify({ DeviceId: 'mna-acme0001', Type: '0' }) }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'an integer of 10^30',
      text: () => signedText({ action: 'OrderPerLicense', body: '{"DeviceId":"mna-acme0001","Type":1000000000000000000000000000000}' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a form POST with a broken percent-encoding',
      text: () => signedText({ action: 'GetDevice', contentType: 'application/x-www-form-urlencoded', body: 'DeviceId=%G1' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a form POST with %FF%FE (invalid UTF-8 once decoded)',
      text: () => signedText({ action: 'GetDevice', contentType: 'application/x-www-form-urlencoded', body: 'DeviceId=mna-%FF%FE' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a form parameter name that is invalid UTF-8 once decoded',
      text: () => signedText({ action: 'GetDevice', contentType: 'application/x-www-form-urlencoded', body: '%C3%28=1&DeviceId=mna-acme0001' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'a signed GET with DeviceId=mna-%FF%FE',
      text: () => signedText({ method: 'GET', action: 'GetDevice', contentType: 'application/x-www-form-urlencoded', body: '', query: 'DeviceId=mna-%FF%FE' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'an X-TC-Region of 60 KB',
      text: () => signedText({ region: 'r'.repeat(60 * 1024) }),
      status: 200, code: 'UnsupportedRegion', closed: false },
    { name: 'an X-TC-Region of invalid UTF-8',
      text: () => Buffer.concat([Buffer.from(signedText({ region: 'REGION' }).split('REGION')[0]), Buffer.from([0xff, 0xc0, 0xaf]),
        Buffer.from(signedText({ region: 'REGION' }).split('REGION')[1])]),
      status: 200, code: 'UnsupportedRegion', closed: false },
    { name: 'an X-TC-Action of 10 KB',
      text: () => signedText({ action: 'A'.repeat(10 * 1024) }),
      status: 200, code: 'InvalidAction', closed: false },
    { name: 'an unknown X-TC-Version',
      text: () => signedText({ version: '1999-01-01' }),
      status: 200, code: 'NoSuchVersion', closed: false },
    { name: 'an X-TC-TraceId of 10 KB is not echoed',
      text: () => signedText({ headers: { 'X-TC-TraceId': 't'.repeat(10 * 1024) } }),
      status: 200, code: null, closed: false,
      check: (reply) => assert.equal(reply.headers['x-tc-traceid'], undefined) },
    { name: 'a short X-TC-TraceId is echoed',
      text: () => signedText({ headers: { 'X-TC-TraceId': 'trace-1' } }),
      status: 200, code: null, closed: false,
      check: (reply) => assert.equal(reply.headers['x-tc-traceid'], 'trace-1') },
    { name: 'Content-Type text/plain',
      text: () => signedText({ contentType: 'text/plain' }),
      status: 200, code: 'InvalidParameter', closed: false },
    { name: 'Content-Type multipart/form-data',
      text: () => signedText({ contentType: 'multipart/form-data; boundary=x' }),
      status: 200, code: 'InvalidRequest', closed: false },
    { name: 'a purchase of another tenant\'s device',
      text: () => signedText({ action: 'OrderPerLicense', body: JSON.stringify({ DeviceId: 'mna-globex0001', Type: 0, RollBack: false }) }),
      status: 200, code: 'OperationDenied.DeviceNotFound', closed: false },
    { name: 'GetDevices with PageSize 101',
      text: () => signedText({ action: 'GetDevices', body: JSON.stringify({ PageNumber: 1, PageSize: 101 }) }),
      status: 200, code: 'InvalidParameterValue', closed: false },
    { name: 'GetDevices with PageNumber 2^62',
      text: () => signedText({ action: 'GetDevices', body: '{"PageNumber":4611686018427387904,"PageSize":100}' }),
      status: 200, code: null, closed: false,
      check: (reply) => assert.deepEqual(reply.json.Response.DeviceInfos, []) },
    { name: 'GetDevices with PageSize -1 and PageNumber 1',
      text: () => signedText({ action: 'GetDevices', body: JSON.stringify({ PageNumber: 1, PageSize: -1 }) }),
      status: 200, code: 'InvalidParameterValue', closed: false },
  ];
}

function adminCatalogue(token) {
  const bearer = `Authorization: Bearer ${token}`;
  const json = (method, target, body, extra = []) => plain([`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', bearer,
    'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...extra], body);
  return [
    { name: 'admin: no token', text: () => plain(['GET /v1/accounts HTTP/1.1', 'Host: 127.0.0.1']),
      status: 401, code: 'unauthorized', closed: false },
    { name: 'admin: a wrong token of the same length',
      text: () => plain(['GET /v1/accounts HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${'x'.repeat(token.length)}`]),
      status: 401, code: 'unauthorized', closed: false },
    { name: 'admin: a token of 60 KB',
      text: () => plain(['GET /v1/accounts HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${'x'.repeat(60 * 1024)}`]),
      status: 401, code: 'unauthorized', closed: false },
    { name: 'admin: a body that is not JSON', text: () => json('POST', '/v1/accounts', '{"uin":'),
      status: 400, code: 'invalid_json', closed: false },
    { name: 'admin: JSON nested 10,000 levels', text: () => json('POST', '/v1/accounts', '['.repeat(10000) + ']'.repeat(10000)),
      status: 400, code: 'invalid_json', closed: false },
    { name: 'admin: a top-up above 10^12 fen',
      text: () => json('POST', '/v1/accounts/200000000001/balance/topup', '{"amount_fen":1000000000001,"reason":"x"}'),
      status: 400, code: 'invalid_field', closed: false },
    { name: 'admin: a top-up that would pass the largest balance',
      text: () => json('POST', '/v1/accounts/200000000005/balance/topup', '{"amount_fen":1000000000000,"reason":"x"}'),
      status: 409, code: 'balance_limit', closed: false },
    { name: 'admin: an adjustment of -10^13',
      text: () => json('POST', '/v1/accounts/200000000001/balance/adjust', '{"delta_fen":-10000000000000,"reason":"x"}'),
      status: 400, code: 'invalid_field', closed: false },
    { name: 'admin: an adjustment that would go negative',
      text: () => json('POST', '/v1/accounts/200000000001/balance/adjust', '{"delta_fen":-1234568,"reason":"x"}'),
      status: 409, code: 'negative_balance', closed: false },
    { name: 'admin: an import with a balance above 10^12',
      text: () => json('POST', '/v1/import', JSON.stringify({ version: 1, accounts: [{ uin: '200000000099', app_id: 1, name: 'big', balance_fen: 1e12 + 1 }] })),
      status: 400, code: 'invalid_field', closed: false },
    { name: 'admin: Transfer-Encoding gzip', text: () => plain(['POST /v1/accounts HTTP/1.1', 'Host: 127.0.0.1', bearer, 'Transfer-Encoding: gzip']) + FOLLOW_UP,
      status: 400, code: 'malformed', closed: true },
    { name: 'admin: an unknown path', text: () => plain(['GET /v1/nothing HTTP/1.1', 'Host: 127.0.0.1', bearer]),
      status: 404, code: 'not_found', closed: false },
    { name: 'admin: an account uin of invalid UTF-8 (found by fuzz_admin_json)',
      text: () => Buffer.concat([Buffer.from('GET /v1/accounts/'), Buffer.from([0xb1]),
        Buffer.from(`100000000001 HTTP/1.1\r\nHost: 127.0.0.1\r\n${bearer}\r\n\r\n`)]),
      status: 404, code: 'not_found', closed: false },
    { name: 'admin: a path of invalid UTF-8',
      text: () => Buffer.concat([Buffer.from('GET /v1/'), Buffer.from([0xff, 0xfe]),
        Buffer.from(` HTTP/1.1\r\nHost: 127.0.0.1\r\n${bearer}\r\n\r\n`)]),
      status: 404, code: 'not_found', closed: false },
    { name: 'admin: PATCH a key of a 60 KB id',
      text: () => json('PATCH', `/v1/keys/AKID${'k'.repeat(60 * 1024)}`, '{"enabled":false}'),
      status: 200, code: 'too_large', closed: true, anyStatus: [404, 413] },
  ];
}

function errorCodeOf(reply) {
  if (!reply.json) return undefined;
  if (reply.json.Response) return reply.json.Response.Error ? reply.json.Response.Error.Code : null;
  if (reply.json.error) return reply.json.error.code;
  return undefined;
}

describe('hostile-input catalogue', () => {
  let server;
  let adminPort;
  let exportBefore;
  let rssBefore;
  let logBefore;
  let requests = 0;

  before(async () => {
    server = await h.startServer({ extraArgs: ['--rate-limit-per-second', '0'] });
    adminPort = Number(new URL(server.adminUrl).port);
    exportBefore = h.adminOk(await h.admin(server, 'GET', '/v1/export'));
    rssBefore = h.rssKiB(server);
    logBefore = server.output().stderr.length;
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  const cases = [...apiCatalogue().map((c) => ({ ...c, listener: 'api' })),
    ...adminCatalogue('ADMIN-TOKEN').map((c) => ({ ...c, listener: 'admin' }))];

  it(`has at least 60 cases (${cases.length})`, () => {
    assert.ok(cases.length >= 60);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const text = c.listener === 'admin'
        ? adminCatalogue(server.adminToken).find((x) => x.name === c.name).text()
        : c.text();
      const port = c.listener === 'admin' ? adminPort : server.port;
      const result = await exchange(port, text);
      requests++;
      assert.equal(result.replies.length, 1, `exactly one reply, got ${result.replies.length}`);
      const reply = result.replies[0];
      assert.equal(reply.headers['content-type'] === undefined, false);
      assert.notEqual(reply.json, null, `the reply is JSON: ${reply.text.slice(0, 300)}`);
      // Valid UTF-8: decoding and re-encoding gives the same bytes.
      assert.ok(Buffer.from(reply.text, 'utf8').equals(reply.body), 'the reply body is valid UTF-8');
      if (c.anyStatus) {
        assert.ok(c.anyStatus.includes(reply.status), `status ${reply.status}: ${reply.text.slice(0, 300)}`);
      } else {
        assert.equal(reply.status, c.status, reply.text.slice(0, 300));
        assert.equal(errorCodeOf(reply), c.code, reply.text.slice(0, 300));
        assert.equal(result.closed, c.closed, `closed: ${result.closed}`);
      }
      if (reply.json.Response && reply.json.Response.Error) {
        assert.ok(Buffer.byteLength(reply.json.Response.Error.Message) <= ERROR_MESSAGE_BYTES_MAX,
          `message of ${Buffer.byteLength(reply.json.Response.Error.Message)} bytes`);
      }
      if (c.check) c.check(reply);
    });
  }

  it('the server is up, the state unchanged, memory and log growth bounded', async () => {
    const health = await h.admin(server, 'GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    const exportAfter = h.adminOk(await h.admin(server, 'GET', '/v1/export'));
    assert.deepEqual(exportAfter, exportBefore, 'no hostile input changed the state');
    await new Promise((resolve) => setTimeout(resolve, 1200)); // the request log's flush
    const logGrowth = server.output().stderr.length - logBefore;
    assert.ok(logGrowth <= requests * LOG_BYTES_PER_REQUEST_MAX,
      `log grew ${logGrowth} bytes for ${requests} requests`);
    for (const line of server.output().stderr.split('\n')) {
      assert.ok(line.length <= 2048, `a log line of ${line.length} bytes: ${line.slice(0, 200)}`);
    }
    if (!h.SANITIZED) {
      const growth = h.rssKiB(server) - rssBefore;
      assert.ok(growth <= RSS_GROWTH_KIB_MAX, `RSS grew ${growth} KiB`);
    }
  });
});
