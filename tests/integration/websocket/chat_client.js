// Drives examples/chat through `lift dev` with the npm `ws` client, as browsers and wscat would.
// Usage: node chat_client.js auth|anonymous WS_URL [JWT_SECRET]
// Prints "ok" and exits 0 when every check passed; an assertion failure exits non-zero.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const { spawn } = require('node:child_process');

const [mode, url, secret] = process.argv.slice(2);
const root = path.resolve(__dirname, '..', '..', '..');
const WebSocket = require(require.resolve('ws', { paths: [root] }));

// An HS256 token, as an identity provider would issue it.
function jwt(claims, key = secret) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${signed}.${crypto.createHmac('sha256', key).update(signed).digest('base64url')}`;
}

// A connected client and what it received.
function open(target, protocols, options) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, protocols, options);
    const client = { socket, messages: [], waiters: [] };
    socket.on('message', (data) => {
      client.messages.push(JSON.parse(data.toString()));
      for (const wake of client.waiters.splice(0)) wake();
    });
    socket.on('open', () => resolve(client));
    socket.on('unexpected-response', (request, response) => reject(new Error(`refused with ${response.statusCode}`)));
    socket.on('error', reject);
  });
}

// The status of a refused upgrade ('opened' when it was accepted).
function refusal(target, protocols, options) {
  return new Promise((resolve) => {
    const socket = new WebSocket(target, protocols, options);
    socket.on('unexpected-response', (request, response) => resolve(response.statusCode));
    socket.on('open', () => {
      socket.terminate();
      resolve('opened');
    });
    socket.on('error', () => {});
  });
}

// Waits until `client` has `count` messages, then takes them.
async function take(client, count, timeout = 5000) {
  const until = Date.now() + timeout;
  while (client.messages.length < count) {
    const left = until - Date.now();
    if (left <= 0) throw new Error(`expected ${count} messages, got ${JSON.stringify(client.messages)}`);
    await new Promise((wake) => {
      client.waiters.push(wake);
      setTimeout(wake, left);
    });
  }
  return client.messages.splice(0, count);
}

const settle = () => new Promise((done) => setTimeout(done, 400));
function nothingFor(...clients) {
  for (const c of clients) assert.deepEqual(c.messages, [], 'a client outside the audience received a message');
}
const send = (client, message) => client.socket.send(typeof message === 'string' ? message : JSON.stringify(message));

async function authenticated() {
  const forged = jwt({ sub: 'mallory' }, 'a-secret-that-is-not-the-functions-32b');
  assert.equal(await refusal(url), 401, 'no token');
  assert.equal(await refusal(`${url}?token=${forged}`), 401, 'forged token in the query');
  assert.equal(await refusal(url, undefined, { headers: { authorization: `Bearer ${forged}` } }), 401, 'forged bearer');
  assert.equal(await refusal(url, ['access_token', forged]), 401, 'forged subprotocol');

  // Three sources of the token; alice has two connections.
  const alice = await open(`${url}?room=red&token=${jwt({ sub: 'alice' })}`);
  const bob = await open(`${url}?room=red`, undefined, { headers: { authorization: `Bearer ${jwt({ sub: 'bob' })}` } });
  const carol = await open(`${url}?room=blue`, ['access_token', jwt({ sub: 'carol' })]);
  assert.equal(carol.socket.protocol, 'access_token');
  const alice2 = await open(`${url}?room=blue&token=${jwt({ sub: 'alice' })}`);

  // A room's message reaches its room, the sender included, and no other.
  send(alice, { action: 'sendmessage', text: 'hi red' });
  for (const c of [alice, bob]) assert.deepEqual(await take(c, 1), [{ from: 'alice', room: 'red', text: 'hi red' }]);
  send(carol, { action: 'sendmessage', text: 'hi blue' });
  for (const c of [carol, alice2]) assert.deepEqual(await take(c, 1), [{ from: 'carol', room: 'blue', text: 'hi blue' }]);
  await settle();
  nothingFor(alice, bob, carol, alice2);

  // A user-addressed message reaches both of alice's connections.
  send(bob, { action: 'notify', user: 'alice', text: 'psst' });
  for (const c of [alice, alice2]) assert.deepEqual(await take(c, 1), [{ from: 'bob', text: 'psst' }]);
  await settle();
  nothingFor(alice, bob, carol, alice2);

  // join moves bob to blue.
  send(bob, { action: 'join', room: 'blue' });
  assert.deepEqual(await take(bob, 1), [{ joined: 'blue' }]);
  send(bob, { action: 'sendmessage', text: 'bob in blue' });
  for (const c of [bob, carol, alice2]) assert.deepEqual(await take(c, 1), [{ from: 'bob', room: 'blue', text: 'bob in blue' }]);
  await settle();
  nothingFor(alice, bob, carol, alice2);

  // Bad frames: an error to the sender alone, the connection kept.
  const bad = [
    'not json',
    { action: 'dance' },
    { text: 'no action' },
    { action: 'sendmessage' },
    { action: 'sendmessage', text: 42 },
    { action: 'sendmessage', text: 'x'.repeat(4097) },
    { action: 'join', room: '' },
  ];
  for (const frame of bad) {
    send(carol, frame);
    const [answer] = await take(carol, 1);
    assert.ok(answer.error && typeof answer.error.code === 'string' && typeof answer.error.message === 'string',
      `${JSON.stringify(frame)} answered ${JSON.stringify(answer)}`);
  }
  await settle();
  nothingFor(alice, bob, carol, alice2);
  assert.equal(carol.socket.readyState, WebSocket.OPEN);
  send(carol, { action: 'sendmessage', text: 'x'.repeat(4096) });  // exactly 4 KB is fine
  assert.equal((await take(carol, 1))[0].text.length, 4096);
  await take(bob, 1);
  await take(alice2, 1);

  // A client killed without a close frame: the gateway sees the socket drop, $disconnect cleans up.
  const dave = spawn(process.execPath, ['-e', `
    const WebSocket = require(${JSON.stringify(require.resolve('ws', { paths: [root] }))});
    const s = new WebSocket(${JSON.stringify(`${url}?room=red&token=${jwt({ sub: 'dave' })}`)});
    s.on('open', () => process.stdout.write('open\\n'));
    setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => dave.stdout.once('data', resolve));
  dave.kill('SIGKILL');
  await new Promise((resolve) => dave.once('exit', resolve));
  send(alice, { action: 'sendmessage', text: 'anyone?' });
  assert.deepEqual(await take(alice, 1), [{ from: 'alice', room: 'red', text: 'anyone?' }]);
  await settle();
  nothingFor(alice, bob, carol, alice2);

  for (const c of [alice, bob, carol, alice2]) c.socket.close();
  await new Promise((done) => setTimeout(done, 300));
}

async function anonymous() {
  const a = await open(`${url}`);
  const b = await open(`${url}?room=lobby`);
  const c = await open(`${url}?room=other`);
  send(a, { action: 'sendmessage', text: 'hello' });
  const [toA] = await take(a, 1);
  const [toB] = await take(b, 1);
  assert.deepEqual(toA, toB);
  assert.equal(toA.room, 'lobby');
  assert.equal(toA.text, 'hello');
  assert.match(toA.from, /^\S{8,}$/);  // the sender's connection id
  await settle();
  nothingFor(a, b, c);
  for (const x of [a, b, c]) x.socket.close();
  await new Promise((done) => setTimeout(done, 300));
}

(mode === 'auth' ? authenticated() : anonymous()).then(
  () => console.log('ok'),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
