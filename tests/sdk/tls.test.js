'use strict';
// TLS on both listeners (--tls-cert/--tls-key): the official SDK over
// https:// with a test CA the client trusts (NODE_EXTRA_CA_CERTS, as a
// client developer would set it), the admin API over https, and what a
// client that does not trust the CA, or speaks plain HTTP, gets.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');

const { KEYS } = h;

// A CA and a server certificate for 127.0.0.1 and localhost, signed by it.
function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=mnad test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr',
    '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

// Runs `script` in a fresh Node process (NODE_EXTRA_CA_CERTS is read at
// start) and returns what it printed as JSON.
function inNode(script, env) {
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: __dirname, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30000,
  });
  assert.equal(result.status, 0, `child failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('TLS listeners', () => {
  let dir;
  let certs;
  let server;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnad-tls-'));
    certs = makeCertificates(dir);
    server = await h.startServer({
      extraArgs: [...h.CONFORMANCE_ARGS, '--tls-cert', certs.cert, '--tls-key', certs.key],
    });
  });

  after(async () => {
    await h.stopAndAssertClean(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints https:// addresses for both listeners', () => {
    assert.match(server.output().stdout, new RegExp(`mnad listening on https://127\\.0\\.0\\.1:${server.port}`));
    assert.match(server.adminUrl, /^https:\/\//);
  });

  it('the official SDK calls GetDevice and OrderPerLicense over https with the test CA', () => {
    const script = `
      const { Client } = require('tencentcloud-sdk-nodejs/tencentcloud/services/mna/v20210119/mna_client');
      const client = new Client({
        credential: ${JSON.stringify(KEYS.acmeRoot)}, region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: '127.0.0.1:${server.port}', protocol: 'https://' } },
      });
      (async () => {
        const device = await client.GetDevice({ DeviceId: 'mna-acme0001' });
        const order = await client.OrderPerLicense({ DeviceId: 'mna-acme0001', Type: 0, RollBack: false })
          .catch((e) => ({ code: e.code }));
        console.log(JSON.stringify({ id: device.DeviceDetails.DeviceBaseInfo.DeviceId, order }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const out = inNode(script, { NODE_EXTRA_CA_CERTS: certs.ca });
    assert.equal(out.id, 'mna-acme0001');
    assert.match(out.order.ResourceId || out.order.code, /^(mna|OperationDenied)/);
  });

  it('the admin API answers over https with the test CA', () => {
    const script = `
      fetch('${server.adminUrl}/v1/accounts', { headers: { Authorization: 'Bearer ${server.adminToken}' } })
        .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json() })))
        .catch((e) => { console.error(e); process.exit(1); });`;
    const out = inNode(script, { NODE_EXTRA_CA_CERTS: certs.ca });
    assert.equal(out.status, 200);
    assert.ok(out.body.accounts.some((a) => a.uin === '200000000001'));
  });

  it('a client that does not trust the CA refuses the server certificate', () => {
    const script = `
      const { Client } = require('tencentcloud-sdk-nodejs/tencentcloud/services/mna/v20210119/mna_client');
      const client = new Client({
        credential: ${JSON.stringify(KEYS.acmeRoot)}, region: 'ap-guangzhou',
        profile: { httpProfile: { endpoint: '127.0.0.1:${server.port}', protocol: 'https://' } },
      });
      client.GetDevice({ DeviceId: 'mna-acme0001' })
        .then(() => console.log(JSON.stringify({ ok: true })))
        .catch((e) => console.log(JSON.stringify({ ok: false, message: String(e.message || e) })));`;
    const out = inNode(script, { NODE_EXTRA_CA_CERTS: '' });
    assert.equal(out.ok, false);
    assert.match(out.message, /certificate/i);
  });

  it('plain HTTP on the TLS port gets no reply and counts a failed handshake', async () => {
    const received = await new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => { data += d.toString('latin1'); });
      socket.on('error', () => {});
      socket.on('close', () => resolve(data));
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    assert.ok(!received.startsWith('HTTP/'), 'no HTTP reply in the clear');
    const script = `
      fetch('${server.adminUrl}/metrics', { headers: { Authorization: 'Bearer ${server.adminToken}' } })
        .then(async (r) => console.log(JSON.stringify(await r.text())))
        .catch((e) => { console.error(e); process.exit(1); });`;
    const metrics = inNode(script, { NODE_EXTRA_CA_CERTS: certs.ca });
    assert.match(metrics, /mnad_tls_handshake_failures_total\{listener="api"\} [1-9]/);
  });
});
