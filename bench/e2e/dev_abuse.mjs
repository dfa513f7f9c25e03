// A bounded hostile run against `lift dev`: idle connections, WebSocket clients that never
// read while the Management API pushes to them, large bodies at once, a request and a WebSocket
// upgrade with thousands of headers. It starts `lift dev` itself (loopback, an ephemeral port),
// reads connection ids from its access log, and reports the resident memory (VmRSS) and open
// descriptors of the `lift dev` process before, at the peak of, and after each phase. Prints a
// Markdown table; stops by itself. Node built-ins only.
//
//   node bench/e2e/dev_abuse.mjs --lift build/bin/lift --function build/bin/examples/hello
//     [--api http|rest] [--idle 4000] [--slow-readers 20] [--pushes 75] [--bodies 20] [--body-mb 9] [--headers 8700]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const lift = args.lift ?? 'build/bin/lift';
const fn = args.function ?? 'build/bin/examples/hello';
const idleCount = Number(args.idle ?? 4000);
const slowReaders = Number(args['slow-readers'] ?? 20);
const pushes = Number(args.pushes ?? 75);
const bodies = Number(args.bodies ?? 20);
const bodyBytes = Number(args['body-mb'] ?? 9) * 1024 * 1024;
const headerCount = Number(args.headers ?? 8700);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- lift dev ---------------------------------------------------------------------------------

const dev = spawn(lift, ['dev', fn, '--port', '0', '--no-reload', '--api', args.api ?? 'http'], { stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
dev.stdout.on('data', (d) => { stdout += d; });
dev.stderr.on('data', (d) => { stderr += d; if (stderr.length > 8e6) stderr = stderr.slice(-4e6); });
const stopDev = () => { try { dev.kill('SIGTERM'); } catch {} };
process.on('exit', stopDev);
setTimeout(() => { console.error('dev_abuse: took too long; stopping'); stopDev(); process.exit(1); }, 300_000).unref();

let url;
for (let i = 0; i < 200 && !url; ++i) {
  url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
  if (!url) await sleep(50);
}
if (!url) { console.error('dev_abuse: lift dev did not start\n' + stderr); process.exit(1); }
const { port } = new URL(url);

// CPU time of the lift dev process itself (all its threads; not the function, a child), in ms.
function cpuMs() {
  const fields = readFileSync(`/proc/${dev.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;  // utime + stime, in 100 Hz ticks
}

function usage() {
  const status = readFileSync(`/proc/${dev.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return { rssMb: rssKb / 1024, fds: readdirSync(`/proc/${dev.pid}/fd`).length };
}

// Runs `work` while sampling lift dev's usage every 20 ms; then waits `settleMs` and samples again.
async function phase(name, work, settleMs = 1500) {
  const before = usage();
  const peak = { ...before };
  const sampler = setInterval(() => {
    const now = usage();
    peak.rssMb = Math.max(peak.rssMb, now.rssMb);
    peak.fds = Math.max(peak.fds, now.fds);
  }, 20);
  const began = process.hrtime.bigint();
  const outcome = await work();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  clearInterval(sampler);
  const now = usage();
  peak.rssMb = Math.max(peak.rssMb, now.rssMb);
  peak.fds = Math.max(peak.fds, now.fds);
  await sleep(settleMs);
  const after = usage();
  rows.push({ name, outcome, seconds, before, peak, after });
}
const rows = [];

function request(method, path, { body, headers = {}, agent } = {}) {
  return new Promise((resolve) => {
    const began = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - began) / 1e6 }));
    });
    req.on('error', (e) => resolve({ status: e.code ?? 'error', ms: Number(process.hrtime.bigint() - began) / 1e6 }));
    if (body) req.end(body); else req.end();
  });
}

const count = (statuses) => Object.entries(statuses.reduce((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))
  .map(([s, n]) => `${n}× ${s}`).join(', ');

// A WebSocket client by hand: the upgrade, then nothing is ever read again.
function slowWebSocket(extraHeaders = '') {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    let head = '';
    socket.on('error', () => resolve({ socket, status: 'error' }));
    socket.on('data', function onData(chunk) {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();  // a client that stops reading: the kernel buffers fill, then the server's
      resolve({ socket, status: Number(head.split(' ')[1]) });
    });
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`);
  });
}

// ---- phases -------------------------------------------------------------------------------------

await request('GET', '/hello?name=warm');
await sleep(500);

await phase(`${idleCount} idle connections (held 3 s)`, async () => {
  const sockets = [];
  for (let i = 0; i < idleCount; ++i) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    sockets.push(socket);
    if (i % 200 === 199) await sleep(10);
  }
  await sleep(3000);
  const answered = await request('GET', '/hello?name=during', { agent: false });
  for (const socket of sockets) socket.destroy();
  return `a request meanwhile: ${answered.status} in ${answered.ms.toFixed(1)} ms`;
});

await phase(`${slowReaders} WebSocket clients that never read, ${pushes} × 120 KB pushed to each`, async () => {
  const clients = [];
  const before = stderr.length;
  for (let i = 0; i < slowReaders; ++i) clients.push(await slowWebSocket());
  await sleep(300);
  const ids = [...stderr.slice(before).matchAll(/WS \$connect (\S+) 200/g)].map((m) => m[1]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const message = 'm'.repeat(120 * 1024);
  const statuses = [];
  await Promise.all(ids.map(async (id) => {
    for (let i = 0; i < pushes; ++i) {
      statuses.push((await request('POST', `/@connections/${encodeURIComponent(id)}`, { body: message, agent })).status);
    }
  }));
  agent.destroy();
  for (const { socket } of clients) socket.destroy();
  return `${ids.length} connected; pushes: ${count(statuses)}`;
});

await phase(`${bodies} bodies of ${bodyBytes / 1048576} MB at once`, async () => {
  const body = Buffer.alloc(bodyBytes, 'b');
  const results = await Promise.all(Array.from({ length: bodies }, () =>
    request('POST', '/hello', { body, agent: false, headers: { 'content-type': 'text/plain' } })));
  return `${count(results.map((r) => r.status))}; slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`;
});

await phase(`a request and a WebSocket upgrade with ${headerCount} headers`, async () => {
  // Short names (base 36) so that they fit the 64 KB header limit.
  const many = Array.from({ length: headerCount }, (_, i) => `${i.toString(36)}:\r\n`).join('');
  const timed = (text) => new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const began = process.hrtime.bigint();
    const cpuBefore = cpuMs();
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        resolve({ status: answer.split(' ')[1], ms: Number(process.hrtime.bigint() - began) / 1e6, cpu: cpuMs() - cpuBefore });
        socket.destroy();
      }
    });
    socket.on('error', () => resolve({ status: 'error', ms: 0, cpu: 0 }));
    socket.write(text);
  });
  const get = await timed(`GET /hello?name=h HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${many}\r\n`);
  const upgrade = await timed(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${many}\r\n`);
  return `GET ${get.status} in ${get.ms.toFixed(0)} ms (lift dev CPU ${get.cpu} ms); ` +
    `upgrade ${upgrade.status} in ${upgrade.ms.toFixed(0)} ms (lift dev CPU ${upgrade.cpu} ms)`;
}, 500);

const last = await request('GET', '/hello?name=after', { agent: false });
stopDev();

const mb = (v) => `${v.toFixed(1)} MB`;
console.log('| phase | outcome | RSS before | RSS peak | RSS after | fds before | fds peak | fds after |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.outcome} | ${mb(r.before.rssMb)} | ${mb(r.peak.rssMb)} | ${mb(r.after.rssMb)} | ` +
    `${r.before.fds} | ${r.peak.fds} | ${r.after.fds} |`);
}
console.log(`\nA request after the run: ${last.status} in ${last.ms.toFixed(1)} ms.`);
process.exit(0);
