// examples/todo-api's circuit breaker as users see it: the built function behind `lift dev`, on
// dynalite (a DynamoDB over HTTP that this test stops and starts again on the same port).
//   dynalite up:      requests succeed, readiness passes.
//   dynalite stopped: the first requests fail after their retries, the breaker "dynamodb"
//                     opens, and from then on every request answers 503 CircuitOpen (the one
//                     error body) within 50 ms; /health/ready answers 503 naming the breaker.
//   dynalite back:    the breaker's probes close it and requests succeed again, in the same
//                     function process.
// Usage: node todo_breaker_client.mjs LIFT_CLI TODO_API_FUNCTION
// Exits 0 after printing "ok"; 77 (skipped) when dynalite is missing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDev, stopDev } from './lift_dev.mjs';

const [cli, fn] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dynaliteCli = path.join(root, 'node_modules', 'dynalite', 'cli.js');
if (!existsSync(dynaliteCli)) {
  console.log('skipped: node_modules/dynalite is missing (run scripts/setup)');
  process.exit(77);
}

// A bound on a refused request, not a benchmark: it must not wait for any timeout or retry.
const kFastFailure = 50;
// The breaker, tuned through the environment so that the test takes seconds: judged over the
// last 4 calls (at least 2), open for 2 s, then 3 probes.
const kBreaker = 'window=4,min_calls=2,failure_rate=50%,open_for=2s,probes=3';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// dynalite on `port`, its tables kept in `store` so that they outlive a restart.
async function startDynalite(port, store) {
  const child = spawn(process.execPath, [dynaliteCli, '--host', '127.0.0.1', '--port', String(port), '--path', store,
    '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dynalite exited ${child.exitCode}: ${stderr}`);
    if (await accepts(port)) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`dynalite did not start on ${port}: ${stderr}`);
}

async function stopDynalite(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// One request, with how long it took from sending to the last byte of the answer.
async function call(base, method, target, body) {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  const started = performance.now();
  const response = await fetch(base + target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const ms = performance.now() - started;
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  return { status: response.status, headers: response.headers, body: json, text, ms };
}

const store = mkdtempSync(path.join(tmpdir(), 'lift-breaker-'));
let dynalite;
let dev;
try {
  const port = await freePort();
  dynalite = await startDynalite(port, store);
  dev = await startDev(cli, fn, {
    LIFT_DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
    LIFT_DYNAMODB_BREAKER: kBreaker,
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test-secret',
    TODO_TABLE: 'todos-breaker',
  });
  const { base } = dev;

  // Up: the table is made on first use, writes and reads succeed. (Readiness is first asked
  // while DynamoDB is down: its report is cached for 5 s.)
  const created = await call(base, 'POST', '/todos', { title: 'survive an outage' });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  const listed = await call(base, 'GET', '/todos');
  assert.equal(listed.status, 200, listed.text);
  assert.ok(listed.body.items.some((t) => t.id === id), listed.text);

  // Down: requests fail (after their retries) until the breaker opens.
  await stopDynalite(dynalite);
  const failures = [];
  let open;
  for (let i = 0; i < 20 && !open; ++i) {
    const r = await call(base, 'GET', `/todos/${id}`);
    assert.ok(r.status >= 500, `a request with DynamoDB down failed: ${r.status} ${r.text}`);
    if (r.body?.error?.code === 'CircuitOpen') open = r;
    else failures.push(r);
  }
  assert.ok(open, `the breaker opened: ${failures.map((r) => `${r.status} ${r.text}`).join('; ')}`);
  assert.ok(failures.length >= 1 && failures.length <= 4, `${failures.length} requests failed before the breaker opened`);

  // Open: every request, read or write, is refused at once with the one error body.
  const refused = [];
  for (let i = 0; i < 10; ++i) {
    refused.push(await call(base, 'GET', `/todos/${id}`));
    refused.push(await call(base, 'POST', '/todos', { title: `while down ${i}` }));
    refused.push(await call(base, 'GET', '/todos'));
  }
  for (const r of refused) {
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error.code, 'CircuitOpen', r.text);
    assert.equal(typeof r.body.error.message, 'string', r.text);
    assert.ok(r.ms < kFastFailure, `a refused request took ${r.ms.toFixed(1)} ms (bound ${kFastFailure} ms)`);
  }
  // Readiness fails, naming the breaker; liveness does not depend on DynamoDB.
  let ready = await call(base, 'GET', '/health/ready');
  assert.equal(ready.status, 503, ready.text);
  assert.equal(ready.body.status, 'fail', ready.text);
  const failed = Object.keys(ready.body.checks);
  assert.ok(failed.some((k) => k.split(':')[0] === 'dynamodb'), `readiness names the breaker: ${ready.text}`);
  assert.ok(failed.some((k) => k.split(':')[0] === 'todos-breaker'), `readiness names the table: ${ready.text}`);
  assert.ok(ready.ms < 1000, `readiness answered in ${ready.ms.toFixed(1)} ms`);
  const live = await call(base, 'GET', '/health/live');
  assert.equal(live.status, 200, live.text);

  // Back on the same port: once the breaker lets probes through, they close it, without
  // restarting the function.
  dynalite = await startDynalite(port, store);
  const deadline = Date.now() + 15000;
  let back;
  while (Date.now() < deadline) {
    const r = await call(base, 'GET', `/todos/${id}`);
    if (r.status === 200) { back = r; break; }
    assert.equal(r.status, 503, r.text);
    await sleep(100);
  }
  assert.ok(back, 'requests succeed again once DynamoDB is back');
  assert.equal(back.body.title, 'survive an outage', back.text);
  const after = await call(base, 'POST', '/todos', { title: 'after the outage' });
  assert.equal(after.status, 201, after.text);
  for (let i = 0; i < 5; ++i) {
    const r = await call(base, 'GET', '/todos');
    assert.equal(r.status, 200, r.text);
  }
  // Readiness is cached for a few seconds; it passes again once it refreshes.
  const readyBy = Date.now() + 10000;
  do {
    ready = await call(base, 'GET', '/health/ready');
    if (ready.status === 200) break;
    await sleep(250);
  } while (Date.now() < readyBy);
  assert.equal(ready.status, 200, ready.text);
  assert.match(dev.stderr(), /"open"/, 'the breaker logged its state changes');
  console.log('ok');
} finally {
  if (dev) await stopDev(dev);
  if (dynalite) await stopDynalite(dynalite);
  rmSync(store, { recursive: true, force: true });
}
