'use strict';
// HTTP/1.x framing of replies, seen on a raw socket: status line, headers,
// Content-Length, and whether the connection stays open (keep-alive rules of
// HTTP/1.1 and HTTP/1.0), for requests the SDKs would make and some they
// would not.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const h = require('./harness');

const { KEYS } = h;

// A signed DescribeRegions request as raw HTTP text.
function signedRequest({ version = '1.1', connection } = {}) {
  const body = '{}';
  const timestamp = Math.floor(Date.now() / 1000);
  const authorization = h.tc3Authorization({
    method: 'POST', contentType: 'application/json', body, timestamp,
    secretId: KEYS.acmeRoot.secretId, secretKey: KEYS.acmeRoot.secretKey,
  });
  const lines = [
    `POST / HTTP/${version}`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'X-TC-Action: DescribeRegions',
    'X-TC-Version: 2021-01-19',
    `X-TC-Timestamp: ${timestamp}`,
    `Authorization: ${authorization}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  if (connection) lines.push(`Connection: ${connection}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

// Sends `text` and collects one reply: resolves when the reply is complete
// (by its Content-Length), with whether the server then closed the socket.
function exchange(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let reply = null;
    let closed = false;
    const finish = () => {
      socket.destroy();
      resolve({ ...reply, closed });
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0 || reply) return;
      const head = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      if (data.length < end + 4 + length) return;
      reply = { statusLine: head[0], headers, body: data.subarray(end + 4, end + 4 + length).toString() };
      // Give the server a moment to close, if it is going to.
      setTimeout(finish, 300);
    });
    socket.on('end', () => { closed = true; });
    socket.on('close', () => { closed = true; if (reply) finish(); });
    socket.on('error', reject);
    socket.write(text);
  });
}

describe('HTTP framing of replies', () => {
  let server;

  before(async () => {
    server = await h.startServer();
  });

  after(async () => {
    await h.stopAndAssertClean(server);
  });

  it('HTTP/1.1: 200 OK with exact Content-Length, JSON type, request id; the connection stays open', async () => {
    const reply = await exchange(server.port, signedRequest());
    assert.equal(reply.statusLine, 'HTTP/1.1 200 OK');
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
    const json = JSON.parse(reply.body);
    assert.equal(reply.headers['x-tc-requestid'], json.Response.RequestId);
    assert.equal(reply.headers.connection, undefined);
    assert.equal(reply.closed, false);
  });

  it('HTTP/1.1 with Connection: close: the reply says close, and the server closes', async () => {
    const reply = await exchange(server.port, signedRequest({ connection: 'close' }));
    assert.equal(reply.statusLine, 'HTTP/1.1 200 OK');
    assert.equal(reply.headers.connection, 'close');
    assert.equal(reply.closed, true);
  });

  it('HTTP/1.0 without keep-alive: answered in HTTP/1.0, then closed', async () => {
    const reply = await exchange(server.port, signedRequest({ version: '1.0' }));
    assert.equal(reply.statusLine, 'HTTP/1.0 200 OK');
    assert.equal(reply.headers.connection, undefined);
    assert.equal(reply.closed, true);
  });

  it('HTTP/1.0 with Connection: keep-alive: the reply says keep-alive, and the connection stays', async () => {
    const reply = await exchange(server.port, signedRequest({ version: '1.0', connection: 'keep-alive' }));
    assert.equal(reply.statusLine, 'HTTP/1.0 200 OK');
    assert.equal(reply.headers.connection, 'keep-alive');
    assert.equal(reply.closed, false);
  });

  it('an API error is HTTP 200 with the error envelope (the TC3 convention)', async () => {
    const text = 'PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n';
    const reply = await exchange(server.port, text);
    assert.equal(reply.statusLine, 'HTTP/1.1 200 OK');
    assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
    assert.equal(JSON.parse(reply.body).Response.Error.Code, 'UnsupportedProtocol');
  });

  it('an admin refusal carries its status and reason phrase', async () => {
    const { port } = new URL(server.adminUrl);
    const text = 'GET /v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wrong\r\n\r\n';
    const reply = await exchange(Number(port), text);
    assert.equal(reply.statusLine, 'HTTP/1.1 401 Unauthorized');
    assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
  });
});
