// examples/todo-api as users run it: the built function behind `lift dev`, on the embedded
// DynamoDB engine, driven by Node's fetch and by curl, with tokens minted by `jose` (an
// independent JWT implementation) against a JWKS file.
// Usage: node todo_dev_client.mjs LIFT_CLI TODO_API_FUNCTION
// Exits 0 after printing "ok"; 77 (skipped) when the npm test peers are missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDev as startLiftDev, stopDev } from './lift_dev.mjs';

const [cli, fn] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let jose;
try {
  jose = await import(createRequire(path.join(root, 'package.json')).resolve('jose'));
} catch {
  console.log('skipped: jose is missing (run scripts/setup)');
  process.exit(77);
}

// `lift dev` on a free port, on the embedded engine.
const startDev = (env) => startLiftDev(cli, fn, { LIFT_DYNAMODB_ENDPOINT: 'memory:', ...env });

async function call(base, method, target, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const response = await fetch(base + target, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const work = mkdtempSync(path.join(tmpdir(), 'lift-todo-'));
const servers = [];
try {
  // An RS256 key pair; the function reads the public half from a JWKS file.
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const jwksFile = path.join(work, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const mint = (claims) => new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer('https://issuer.test').setAudience('todo-api').setIssuedAt().setExpirationTime('10m')
    .sign(privateKey);
  const acme = await mint({ sub: 'ann', tenant_id: 'acme' });
  const umbrella = await mint({ sub: 'bob', tenant_id: 'umbrella' });
  const wrongAudience = await new jose.SignJWT({ sub: 'eve', tenant_id: 'acme' })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer('https://issuer.test').setAudience('another-api').setExpirationTime('10m').sign(privateKey);

  const dev = await startDev({
    LIFT_JWT_JWKS: `file://${jwksFile}`, LIFT_JWT_ISSUER: 'https://issuer.test', LIFT_JWT_AUDIENCE: 'todo-api',
  });
  servers.push(dev);
  const { base } = dev;
  for (let i = 0; i < 100 && !/DELETE/.test(dev.stdout()); ++i) await new Promise((r) => setTimeout(r, 20));
  assert.match(dev.stdout(), /routes:\n(.*\n)*\s+PATCH\s+http:\/\/[0-9.:]+\/todos\/\{id\}/, 'lift dev lists the routes');

  // Authentication.
  assert.equal((await call(base, 'GET', '/todos')).status, 401);
  assert.equal((await call(base, 'GET', '/todos', { token: 'abc.def.ghi' })).status, 401);
  assert.equal((await call(base, 'GET', '/todos', { token: wrongAudience })).status, 401);

  // CRUD with optimistic locking.
  let r = await call(base, 'POST', '/todos', { token: acme, body: { title: 'ship it', priority: 3 } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const todo = r.body;
  assert.deepEqual(Object.keys(todo).sort(), ['created_at', 'done', 'id', 'priority', 'title', 'updated_at', 'version']);
  assert.equal(todo.version, 1);
  assert.equal(todo.done, false);
  assert.match(todo.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.equal(r.headers.get('etag'), '"1"');
  r = await call(base, 'GET', `/todos/${todo.id}`, { token: acme });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, todo);
  r = await call(base, 'PATCH', `/todos/${todo.id}`, { token: acme, body: { done: true }, headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.version, 2);
  assert.equal(r.body.done, true);
  r = await call(base, 'PATCH', `/todos/${todo.id}`, { token: acme, body: { title: 'stale' }, headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'Conflict');
  assert.ok(r.body.error.request_id, 'errors carry the request id');
  r = await call(base, 'POST', '/todos', { token: acme, body: { title: '' } });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.details[0].field, 'title');

  // Tenancy: another tenant sees nothing of acme's, and cannot change or delete it.
  assert.equal((await call(base, 'GET', `/todos/${todo.id}`, { token: umbrella })).status, 404);
  assert.deepEqual((await call(base, 'GET', '/todos', { token: umbrella })).body, { items: [] });
  assert.equal((await call(base, 'PATCH', `/todos/${todo.id}`, { token: umbrella, body: { done: false }, headers: { 'if-match': '2' } })).status, 404);
  assert.equal((await call(base, 'DELETE', `/todos/${todo.id}`, { token: umbrella })).status, 404);
  assert.equal((await call(base, 'GET', `/todos/${todo.id}`, { token: acme })).body.version, 2);

  // Listing: newest first, page by page.
  const made = [todo.id];
  for (let i = 0; i < 4; ++i) made.push((await call(base, 'POST', '/todos', { token: acme, body: { title: `t${i}` } })).body.id);
  const seen = [];
  let target = '/todos?limit=2';
  for (let page = 0; page < 5; ++page) {
    r = await call(base, 'GET', target, { token: acme });
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length <= 2);
    seen.push(...r.body.items.map((t) => t.id));
    if (!r.body.next_cursor) break;
    target = `/todos?limit=2&cursor=${encodeURIComponent(r.body.next_cursor)}`;
  }
  assert.deepEqual(seen, [...made].reverse());
  assert.equal((await call(base, 'GET', '/todos?limit=500', { token: acme })).status, 400);

  // Routing answers.
  assert.equal((await call(base, 'DELETE', `/todos/${todo.id}`, { token: acme })).status, 204);
  assert.equal((await call(base, 'GET', `/todos/${todo.id}`, { token: acme })).status, 404);
  r = await call(base, 'PUT', '/todos', { token: acme });
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow'), /POST/);
  assert.equal((await call(base, 'GET', '/nowhere', { token: acme })).status, 404);

  // curl, as the README shows it (when curl is installed).
  let curl = true;
  try { execFileSync('curl', ['--version'], { stdio: 'ignore' }); } catch { curl = false; }
  if (curl) {
    const out = execFileSync('curl', ['-s', '-w', '\n%{http_code}', '-X', 'POST', `${base}/todos`,
      '-H', 'content-type: application/json', '-H', `authorization: Bearer ${acme}`, '-d', '{"title":"from curl"}']).toString();
    const [body, code] = out.split('\n');
    assert.equal(code, '201');
    assert.equal(JSON.parse(body).title, 'from curl');
  }

  // Without auth settings: one tenant for everyone, and a warning at start-up.
  const open = await startDev({});
  servers.push(open);
  r = await call(open.base, 'POST', '/todos', { body: { title: 'no auth' } });
  assert.equal(r.status, 201);
  assert.equal((await call(open.base, 'GET', `/todos/${r.body.id}`)).status, 200);
  assert.match(open.stderr(), /authentication is off/);

  for (const s of servers.splice(0)) await stopDev(s);
  console.log('ok');
} finally {
  for (const s of servers) s.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
