'use strict';
// What a hostile client can make the server hold, at each limit: file
// descriptors and connections, request bytes in flight, log lines, rate
// limiter keys, list pages, money; HEAD framing and replies at shutdown.
// Each test reproduces one way the server gave way before these bounds.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const h = require('./harness');
const { exchange, signedText } = require('./raw_http');

const { KEYS } = h;
const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Opens `count` idle connections; resolves to the sockets once each is
// connected (or refused). Every socket records what it received.
async function openIdle(port, count) {
  const sockets = [];
  await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.received = '';
    socket.closedByPeer = false;
    socket.on('data', (d) => { socket.received += d.toString('latin1'); });
    socket.on('end', () => { socket.closedByPeer = true; });
    socket.on('error', () => { socket.closedByPeer = true; });
    socket.on('close', () => { socket.closedByPeer = true; });
    socket.once('connect', resolve);
    socket.once('error', resolve);
    sockets.push(socket);
  })));
  return sockets;
}

async function metric(server, name) {
  const reply = await h.admin(server, 'GET', '/metrics');
  assert.equal(reply.status, 200);
  let total = 0;
  for (const line of reply.text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.split(' ').pop());
  }
  return total;
}

async function getDeviceOk(port) {
  const result = await exchange(port, signedText());
  assert.equal(result.replies.length, 1);
  assert.equal(result.replies[0].json.Response.Error, undefined, result.replies[0].text);
  return result.replies[0];
}

describe('connections and file descriptors', () => {
  it('at the connection cap a new connection gets a 503 envelope and is closed; service resumes', async () => {
    // ulimit -n 256 leaves 64 connections after the server's reserve of 192.
    const server = await h.startServer({ openFilesMax: 256 });
    try {
      for (let i = 0; i < 50 && !/limits: 64 API connections/.test(server.output().stderr); i++) await sleep(20);
      assert.match(server.output().stderr, /limits: 64 API connections/);
      const idle = await openIdle(server.port, 100);
      await sleep(500);
      const refused = idle.filter((s) => s.received.startsWith('HTTP/1.1 503'));
      assert.equal(refused.length, 36, 'every connection over the cap of 64 was refused');
      for (const s of refused) {
        assert.match(s.received, /"Code":"RequestLimitExceeded"/);
        assert.ok(s.closedByPeer, 'a refused connection is closed');
      }
      assert.equal(await metric(server, 'mnad_connections_refused_total'), 36);
      for (const s of idle) s.destroy();
      await sleep(300);
      await getDeviceOk(server.port);
    } finally {
      await h.stopAndAssertClean(server);
    }
  });

  it('the per-peer cap refuses a peer\'s connections past it', async () => {
    const server = await h.startServer({ extraArgs: [...h.CONFORMANCE_ARGS, '--connections-per-peer-max', '3'] });
    try {
      const idle = await openIdle(server.port, 5);
      await sleep(300);
      const refused = idle.filter((s) => s.received.startsWith('HTTP/1.1 503'));
      assert.equal(refused.length, 2);
      for (const s of idle) s.destroy();
      await sleep(300);
      await getDeviceOk(server.port);
    } finally {
      await h.stopAndAssertClean(server);
    }
  });

  // Release build only: UBSan checks a vptr by probing memory through a
  // pipe, which it cannot open while the process is out of descriptors, and
  // then reports the next virtual call as one on an invalid object ("memory
  // cannot be printed").
  it('out of file descriptors, accept backs off: bounded log and CPU, and service resumes', { skip: h.SANITIZED }, async () => {
    // A cap above the descriptor limit, so that accept itself fails (EMFILE).
    const server = await h.startServer({
      openFilesMax: 256, extraArgs: [...h.CONFORMANCE_ARGS, '--connections-max', '5000'],
    });
    try {
      const idle = await openIdle(server.port, 400);
      const cpuBefore = h.cpuSeconds(server);
      await sleep(3000);
      const cpu = h.cpuSeconds(server) - cpuBefore;
      assert.ok(cpu < 0.5, `the server spent ${cpu} s of CPU in 3 s while out of descriptors`);
      const lines = server.output().stderr.split('\n').filter((l) => l.includes('accept failed'));
      assert.ok(lines.length >= 1 && lines.length <= 2, `${lines.length} accept-failure lines in 3 s`);
      for (const s of idle) s.destroy();
      await sleep(1500); // the longest back-off is one second
      await getDeviceOk(server.port);
      // (The admin listener shares the descriptors: it is read once they are back.)
      assert.ok(await metric(server, 'mnad_accept_errors_total') >= 1);
    } finally {
      await h.stopAndAssertClean(server);
    }
  });
});

describe('request bytes in flight', () => {
  let server;
  before(async () => { server = await h.startServer(); });
  after(async () => { await h.stopAndAssertClean(server); });

  it('100 connections announcing 9 MiB bodies: past the 64 MiB budget they are refused early; memory returns', async () => {
    const rssBefore = h.rssKiB(server);
    const head = signedText({ body: '', contentLength: 9 * MiB });
    const chunk = Buffer.alloc(MiB, 0x20);
    const sockets = await openIdle(server.port, 100);
    for (const s of sockets) {
      s.write(head);
      for (let i = 0; i < 8; i++) s.write(chunk); // 8 of the 9 MiB: the body stays incomplete
    }
    await sleep(2500);
    const busy = sockets.filter((s) => /"Code":"RequestSizeLimitExceeded"/.test(s.received));
    // 64 MiB hold 7 bodies of 9 MiB; every other connection is refused.
    assert.equal(busy.length, 93, `${busy.length} refused`);
    assert.ok(busy.every((s) => s.received.includes('Connection: close')));
    assert.ok(await metric(server, 'mnad_requests_refused_busy_total') === 93);
    const rssHolding = h.rssKiB(server);
    for (const s of sockets) s.destroy();
    await sleep(3000); // the server returns freed memory every 2 s
    const rssAfter = h.rssKiB(server);
    console.log(`# RSS KiB: before ${rssBefore}, holding ${rssHolding}, after ${rssAfter}`);
    assert.equal(await metric(server, 'mnad_request_body_bytes_in_flight'), 0);
    if (!h.SANITIZED) {
      assert.ok(rssHolding - rssBefore < 160 * 1024, `RSS grew by ${rssHolding - rssBefore} KiB while held`);
      assert.ok(rssAfter - rssBefore < 24 * 1024, `RSS stayed ${rssAfter - rssBefore} KiB above its start`);
    }
    await getDeviceOk(server.port);
  });
});

describe('log lines and limiter keys under client-chosen headers', () => {
  let server;
  before(async () => { server = await h.startServer({ extraArgs: [] }); }); // the default 20/s limit
  after(async () => { await h.stopAndAssertClean(server); });

  it('200 pipelined requests with 60 KB regions write bounded log lines', async () => {
    await sleep(1100);
    const before = server.output().stderr.length;
    const texts = Array.from({ length: 200 }, (_, i) => signedText({ region: `r${i}-${'x'.repeat(60 * 1024)}` }));
    const result = await exchange(server.port, texts, { replies: 200, quietMs: 300, timeoutMs: 30000 });
    assert.equal(result.replies.length, 200);
    const codes = new Set(result.replies.map((r) => r.json.Response.Error.Code));
    assert.deepEqual([...codes].sort(), ['RequestLimitExceeded', 'UnsupportedRegion']);
    await sleep(1200); // the request log is flushed every second
    const grown = server.output().stderr.length - before;
    assert.ok(grown < 200 * 400, `the log grew ${grown} bytes for 200 requests`);
    const lines = server.output().stderr.slice(before).split('\n').filter((l) => l.includes('"region"'));
    assert.equal(lines.length, 200);
    for (const line of lines) assert.match(JSON.parse(line).region, /^r\d+-x{40,}…\(61\d{3} bytes\)$/);
  });

  it('3,000 distinct regions from one key hold no limiter key per region', async () => {
    const rssBefore = h.rssKiB(server);
    const texts = Array.from({ length: 3000 }, (_, i) => signedText({ region: `zone-${i}-${'y'.repeat(30 * 1024)}` }));
    for (let at = 0; at < texts.length; at += 500) {
      const result = await exchange(server.port, texts.slice(at, at + 500), { replies: 500, quietMs: 300, timeoutMs: 60000 });
      assert.equal(result.replies.length, 500);
    }
    const keys = await metric(server, 'mnad_rate_limiter_keys');
    assert.ok(keys <= 3, `${keys} limiter keys`);
    if (!h.SANITIZED) {
      const grown = h.rssKiB(server) - rssBefore;
      assert.ok(grown < 32 * 1024, `RSS grew ${grown} KiB`);
    }
  });
});

describe('HTTP framing at the edges', () => {
  let server;
  before(async () => { server = await h.startServer(); });
  after(async () => { await h.stopAndAssertClean(server); });

  it('HEAD: the reply has a Content-Length and no body, and the next request on the connection is answered', async () => {
    const headText = 'HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const result = await exchange(server.port, [headText, signedText()], { replies: 2, headRequests: 1 });
    assert.equal(result.replies.length, 2, 'two replies, framed');
    assert.equal(result.extraBytes, 0, 'no stray body bytes after the HEAD reply');
    const [head, next] = result.replies;
    assert.equal(head.statusLine, 'HTTP/1.1 200 OK');
    assert.ok(Number(head.headers['content-length']) > 0);
    assert.equal(head.body.length, 0);
    assert.equal(next.statusLine, 'HTTP/1.1 200 OK', 'the next reply starts where the HEAD reply ended');
    assert.equal(next.json.Response.DeviceDetails.DeviceBaseInfo.DeviceId, 'mna-acme0001');
  });

  it('a request smuggled after Transfer-Encoding: gzip is never run', async () => {
    const smuggled = signedText({ action: 'OrderPerLicense', body: JSON.stringify({ DeviceId: 'mna-acme0002', Type: 0, RollBack: false }) });
    const text = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n' + smuggled;
    const before = await h.balanceOf(server.port, KEYS.acmeRoot);
    const result = await exchange(server.port, text, { quietMs: 400 });
    assert.equal(result.replies.length, 1);
    assert.equal(result.replies[0].status, 400);
    assert.equal(result.closed, true);
    await sleep(200);
    assert.equal(await h.balanceOf(server.port, KEYS.acmeRoot), before, 'the smuggled purchase did not run');
  });

  it('invalid UTF-8 never reaches a reply or a log line', async () => {
    const result = await exchange(server.port, signedText({ method: 'GET', action: 'GetDevice', body: '', contentType: 'application/x-www-form-urlencoded', query: 'DeviceId=mna-%FF%FE' }));
    assert.equal(result.replies[0].json.Response.Error.Code, 'InvalidParameter');
    await sleep(1200);
    assert.ok(!server.output().stderr.includes('\ufffd\ufffd'), 'no undecodable bytes in the log');
  });
});

describe('lists of a large tenant', () => {
  let server;
  let seed;
  const DEVICES = 5000;
  before(async () => {
    const devices = Array.from({ length: DEVICES }, (_, i) => ({
      device_id: `mna-big${String(i).padStart(6, '0')}`, name: `big-${i}`, license_pay_mode: 0, remark: '',
    }));
    seed = h.writeSeed({
      version: 1,
      regions: ['ap-guangzhou'],
      accounts: [{
        uin: '700000000001', app_id: 1370000001, name: 'big', identity_verified: true, service_authorized: true,
        keys: [{ secret_id: 'AKIDbigtenant00000000000000000000001', secret_key: 'big-tenant-secret-000000000000001' }],
        devices,
      }],
    });
    server = await h.startServer({ seed: seed.path });
  });
  after(async () => {
    await h.stopAndAssertClean(server);
    seed.remove();
  });

  it('pages are exact, PageSize is at most 100, and "every device" stops at 1,000', async () => {
    const c = h.mnaClient(server.port, seed.cred('big'));
    const first = await c.GetDevices({ PageNumber: 1, PageSize: 100 });
    assert.equal(first.Length, DEVICES);
    assert.equal(first.TotalPage, DEVICES / 100);
    assert.equal(first.DeviceInfos[0].DeviceId, 'mna-big000000');
    const last = await c.GetDevices({ PageNumber: DEVICES / 100, PageSize: 100 });
    assert.equal(last.DeviceInfos.at(-1).DeviceId, `mna-big${String(DEVICES - 1).padStart(6, '0')}`);
    const keyword = await c.GetDevices({ PageNumber: 2, PageSize: 10, Keyword: 'big-49' });
    assert.equal(keyword.Length, 111); // big-49, big-490..499, big-4900..4999
    assert.equal(keyword.DeviceInfos.length, 10);
    await h.expectCode(c.GetDevices({ PageNumber: 1, PageSize: 101 }), 'InvalidParameterValue');
    await h.expectCode(c.GetDevices({ PageNumber: -1, PageSize: -1 }), 'ResponseSizeLimitExceeded');
    const few = await c.GetDevices({ PageNumber: -1, PageSize: -1, Keyword: 'big-49' });
    assert.equal(few.DeviceInfos.length, 111);
  });
});

describe('money limits end to end', () => {
  let server;
  before(async () => { server = await h.startServer(); });
  after(async () => { await h.stopAndAssertClean(server); });

  it('the largest balance, 10^12 fen, is reached by top-ups, refused past it, exported and imported back', async () => {
    const uin = '200000000002'; // globex: 50,000 fen
    h.adminOk(await h.admin(server, 'POST', `/v1/accounts/${uin}/balance/topup`, { body: { amount_fen: 1e12 - 50000, reason: 'to the limit' } }));
    const over = await h.admin(server, 'POST', `/v1/accounts/${uin}/balance/topup`, { body: { amount_fen: 1, reason: 'past it' } });
    h.adminError(over, 409, 'balance_limit', 'amount_fen');
    const adjusted = await h.admin(server, 'POST', `/v1/accounts/${uin}/balance/adjust`, { body: { delta_fen: 1e12, reason: 'past it' } });
    h.adminError(adjusted, 409, 'balance_limit', 'delta_fen');
    assert.equal(await h.balanceOf(server.port, KEYS.globexRoot), 1e12);
    const exported = h.adminOk(await h.admin(server, 'GET', '/v1/export'));
    assert.equal(exported.accounts.find((a) => a.uin === uin).balance_fen, 1e12);
    h.adminOk(await h.admin(server, 'POST', '/v1/import', { body: exported }));
    h.adminOk(await h.admin(server, 'POST', '/v1/reset', { body: { seed: exported } }));
    assert.equal(await h.balanceOf(server.port, KEYS.globexRoot), 1e12);
    // And the same file as --seed of a new server.
    const file = h.writeSeed(exported);
    const second = await h.startServer({ seed: file.path });
    try {
      assert.equal(await h.balanceOf(second.port, KEYS.globexRoot), 1e12);
    } finally {
      await h.stopAndAssertClean(second);
      file.remove();
    }
  });
});
