'use strict';
// Raw HTTP/1.x on a socket, for requests no SDK would send: builds signed
// TC3 requests as text and collects every reply the server sends back, and
// whether it closed the connection.

const net = require('node:net');
const h = require('./harness');

// Parses as many complete replies as `data` holds (Content-Length framed).
// A reply to HEAD has no body, whatever its Content-Length says.
function parseReplies(data, headRequests = 0) {
  const replies = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = data.subarray(at, end).toString('latin1').split('\r\n');
    const headers = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const isHead = replies.length < headRequests;
    const length = isHead ? 0 : Number(headers['content-length'] || 0);
    if (data.length < end + 4 + length) break;
    const body = data.subarray(end + 4, end + 4 + length);
    let json = null;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = null;
    }
    replies.push({
      statusLine: head[0],
      status: Number(head[0].split(' ')[1]),
      headers,
      body,
      text: body.toString('utf8'),
      json,
    });
    at = end + 4 + length;
  }
  return { replies, rest: data.length - at };
}

// Sends `bytes` (string or Buffer, or an array of them written in turn) on a
// fresh connection and resolves once the server closed it, or `quietMs`
// passed with no new data after at least `replies` complete replies:
// {replies, closed, extraBytes}.
function exchange(port, bytes, { replies: wanted = 1, quietMs = 150, timeoutMs = 15000, headRequests = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let closed = false;
    let quiet = null;
    const overall = setTimeout(() => finish(), timeoutMs);
    const finish = () => {
      clearTimeout(overall);
      clearTimeout(quiet);
      socket.destroy();
      const parsed = parseReplies(data, headRequests);
      resolve({ replies: parsed.replies, closed, extraBytes: parsed.rest });
    };
    const check = () => {
      clearTimeout(quiet);
      if (closed) return finish();
      if (parseReplies(data, headRequests).replies.length >= wanted) quiet = setTimeout(finish, quietMs);
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      check();
    });
    socket.on('end', () => { closed = true; check(); });
    socket.on('close', () => { closed = true; check(); });
    socket.on('error', (e) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') {
        closed = true;
        return check();
      }
      clearTimeout(overall);
      reject(e);
    });
    for (const piece of Array.isArray(bytes) ? bytes : [bytes]) socket.write(piece);
  });
}

// A signed TC3 request as HTTP text. Options as harness.rawTc3, plus
// `extraLines` (raw header lines appended), `version` of HTTP, `target`.
function signedText({
  method = 'POST', action = 'GetDevice', version = '2021-01-19', service = 'mna',
  region = 'ap-guangzhou', body = '{"DeviceId":"mna-acme0001"}', contentType = 'application/json', query = '',
  credential = h.KEYS.acmeRoot, timestamp = Math.floor(Date.now() / 1000),
  authorization, extraLines = [], httpVersion = '1.1', contentLength, headers = {},
} = {}) {
  const auth = authorization !== undefined ? authorization : h.tc3Authorization({
    method, query, contentType, body, timestamp, service,
    secretId: credential.secretId, secretKey: credential.secretKey,
  });
  const lines = [
    `${method} /${query ? `?${query}` : ''} HTTP/${httpVersion}`,
    'Host: 127.0.0.1',
    `Content-Type: ${contentType}`,
    `X-TC-Action: ${action}`,
    `X-TC-Version: ${version}`,
    `X-TC-Timestamp: ${timestamp}`,
    `Authorization: ${auth}`,
  ];
  if (region !== null) lines.push(`X-TC-Region: ${region}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (contentLength !== null) {
    lines.push(`Content-Length: ${contentLength !== undefined ? contentLength : Buffer.byteLength(body)}`);
  }
  lines.push(...extraLines);
  return lines.join('\r\n') + '\r\n\r\n' + (method === 'GET' || method === 'HEAD' ? '' : body);
}

module.exports = { exchange, parseReplies, signedText };
