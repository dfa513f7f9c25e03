// Drives the local API Gateway with Node's own HTTP and WebSocket clients (fetch, the npm `ws`
// package, the AWS SDK's Management API client), so the server is checked against clients it
// shares no code with. Usage: node dev_client.js hello|function|websocket BASE_URL
// Exits 0 and prints "ok" when every check passed; an assertion failure exits non-zero.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');

const [mode, base] = process.argv.slice(2);
const root = path.resolve(__dirname, '..', '..', '..');
const requireFromRoot = (name) => require(require.resolve(name, { paths: [root] }));

async function hello() {
  let response = await fetch(`${base}/hello?name=x`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /application\/json/);
  assert.deepEqual(await response.json(), { message: 'hello, x' });

  // Several requests in a row (fetch keeps the connection alive between them).
  for (let i = 0; i < 5; ++i) {
    response = await fetch(`${base}/hello?name=n${i}`);
    assert.deepEqual(await response.json(), { message: `hello, n${i}` });
  }

  response = await fetch(`${base}/missing`);
  assert.equal(response.status, 404);
  await response.text();
  response = await fetch(`${base}/hello`, { method: 'DELETE' });
  assert.equal(response.status, 405);
  assert.match(response.headers.get('allow'), /GET/);
  await response.text();

  // A CORS preflight reaches the function like any request.
  response = await fetch(`${base}/hello`, {
    method: 'OPTIONS',
    headers: { origin: 'http://example.com', 'access-control-request-method': 'GET' },
  });
  assert.ok(response.status < 500, `preflight answered ${response.status}`);
  await response.text();

  // Over API Gateway's 10 MB: refused before the function sees it.
  response = await fetch(`${base}/hello`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) });
  assert.equal(response.status, 413);
  assert.deepEqual(await response.json(), { message: 'Request Entity Too Large' });
}

async function functionChecks() {
  // Binary in, binary out, byte for byte.
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  let response = await fetch(`${base}/binary`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  assert.equal(response.status, 200);
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(bytes), 'binary body changed on the way');

  // The event as the function saw it.
  response = await fetch(`${base}/echo?a=1&a=2&b=x%20y`, {
    method: 'POST',
    headers: { cookie: 'c1=v1; c2=v2', 'content-type': 'application/json', 'x-custom': 'yes' },
    body: JSON.stringify({ hello: 'world' }),
  });
  assert.equal(response.status, 200);
  const event = await response.json();
  assert.equal(event.version, '2.0');
  assert.equal(event.rawPath, '/echo');
  assert.equal(event.rawQueryString, 'a=1&a=2&b=x%20y');
  assert.deepEqual(event.queryStringParameters, { a: '1,2', b: 'x y' });
  assert.deepEqual(event.cookies, ['c1=v1', 'c2=v2']);
  assert.equal(event.headers['x-custom'], 'yes');
  assert.equal(event.headers.cookie, undefined);
  assert.equal(event.body, '{"hello":"world"}');
  assert.equal(event.isBase64Encoded, false);
  assert.equal(event.requestContext.http.method, 'POST');
  assert.equal(event.requestContext.http.sourceIp, '127.0.0.1');
  assert.equal(event.requestContext.stage, '$default');
  assert.ok(Math.abs(event.requestContext.timeEpoch - Date.now()) < 60000);

  // Cookies and multi-value headers come back as separate header lines.
  response = await fetch(`${base}/cookies`);
  assert.equal(response.status, 201);
  assert.deepEqual(response.headers.getSetCookie(), ['a=1; Path=/', 'b=2; HttpOnly']);
  assert.equal(response.headers.get('x-multi'), 'a, b');
  assert.equal(await response.text(), 'with cookies');

  response = await fetch(`${base}/malformed`);
  assert.equal(response.status, 502);
  assert.deepEqual(await response.json(), { message: 'Internal Server Error' });
}

function opened(socket) {
  return new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
}

// Messages arrive in a queue; next() waits for the next one.
function inbox(socket) {
  const messages = [];
  const waiting = [];
  socket.on('message', (data) => {
    const text = data.toString();
    if (waiting.length) waiting.shift()(text);
    else messages.push(text);
  });
  return {
    next(ms = 5000) {
      if (messages.length) return Promise.resolve(messages.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within ' + ms + ' ms')), ms);
        waiting.push((text) => {
          clearTimeout(timer);
          resolve(text);
        });
      });
    },
  };
}

async function websocket() {
  const WebSocket = requireFromRoot('ws');
  const url = base.replace(/^http/, 'ws') + '/';

  // $connect may refuse: the handshake fails with the function's 4xx (401 here), as API Gateway's does.
  const refused = new WebSocket(url + '?deny=1');
  const status = await new Promise((resolve) => {
    refused.on('unexpected-response', (request, response) => resolve(response.statusCode));
    refused.on('open', () => resolve('opened'));
    refused.on('error', () => {});
  });
  assert.equal(status, 401);
  refused.terminate();

  const a = new WebSocket(url);
  const b = new WebSocket(url);
  const inboxA = inbox(a);
  const inboxB = inbox(b);
  await Promise.all([opened(a), opened(b)]);

  a.send(JSON.stringify({ action: 'whoami' }));
  const idA = JSON.parse(await inboxA.next()).you;
  b.send(JSON.stringify({ action: 'whoami' }));
  const idB = JSON.parse(await inboxB.next()).you;
  assert.ok(idA && idB && idA !== idB);

  a.send(JSON.stringify({ action: 'sendMessage', text: 'hi' }));
  assert.deepEqual(JSON.parse(await inboxB.next()), { from: idA, text: 'hi' });

  // An action without a route, and a body that is not JSON, go to $default.
  a.send(JSON.stringify({ action: 'noSuchRoute' }));
  assert.deepEqual(JSON.parse(await inboxA.next()), { default: '{"action":"noSuchRoute"}' });
  a.send('plain text');
  assert.deepEqual(JSON.parse(await inboxA.next()), { default: 'plain text' });

  // The Management API, with fetch...
  const connections = `${base}/@connections`;
  let response = await fetch(`${connections}/${encodeURIComponent(idB)}`, { method: 'POST', body: 'direct' });
  assert.equal(response.status, 200);
  assert.equal(await inboxB.next(), 'direct');
  response = await fetch(`${connections}/${encodeURIComponent(idA)}`);
  assert.equal(response.status, 200);
  const info = await response.json();
  assert.equal(info.identity.sourceIp, '127.0.0.1');
  assert.ok(!Number.isNaN(Date.parse(info.connectedAt)) && !Number.isNaN(Date.parse(info.lastActiveAt)));
  response = await fetch(`${connections}/unknownId123=`, { method: 'DELETE' });
  assert.equal(response.status, 410);
  await response.text();

  // ...and with the AWS SDK's own client.
  let sdk = null;
  try {
    sdk = requireFromRoot('@aws-sdk/client-apigatewaymanagementapi');
  } catch {
    console.error('@aws-sdk/client-apigatewaymanagementapi is missing: SDK checks skipped');
  }
  if (sdk) {
    const client = new sdk.ApiGatewayManagementApiClient({
      endpoint: base,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
    await client.send(new sdk.PostToConnectionCommand({ ConnectionId: idA, Data: Buffer.from('from the sdk') }));
    assert.equal(await inboxA.next(), 'from the sdk');
    const got = await client.send(new sdk.GetConnectionCommand({ ConnectionId: idB }));
    assert.ok(got.ConnectedAt instanceof Date);
    await assert.rejects(client.send(new sdk.DeleteConnectionCommand({ ConnectionId: 'noSuchConnection=' })),
      (error) => error.name === 'GoneException');
  }

  // Deleting B closes it; its $disconnect tells A.
  const closedB = new Promise((resolve) => b.once('close', resolve));
  response = await fetch(`${connections}/${encodeURIComponent(idB)}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
  await closedB;
  assert.deepEqual(JSON.parse(await inboxA.next()), { left: idB });

  // A client-side close fires $disconnect too: a new client C sees A leave.
  const c = new WebSocket(url);
  const inboxC = inbox(c);
  await opened(c);
  a.close(1000, 'bye');
  assert.deepEqual(JSON.parse(await inboxC.next()), { left: idA });
  c.close();
  await new Promise((resolve) => c.once('close', resolve));
}

const checks = { hello, function: functionChecks, websocket };

(async () => {
  if (!checks[mode] || !base) {
    console.error('usage: node dev_client.js hello|function|websocket BASE_URL');
    process.exit(2);
  }
  await checks[mode]();
  console.log('ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
