// A small, bounded load generator for `lift dev`: N keep-alive connections, each sending GET
// requests back to back for a fixed time. Prints one JSON line: requests, requests per second,
// median and p99 latency, errors. Loopback only; stops by itself.
//
//   node bench/e2e/dev_load.mjs --url http://127.0.0.1:3000/hello?name=bench [--connections 4] [--seconds 3]
import http from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const url = new URL(args.url ?? 'http://127.0.0.1:3000/hello');
if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
  console.error('dev_load: loopback URLs only');
  process.exit(2);
}
const connections = Number(args.connections ?? 4);
const seconds = Number(args.seconds ?? 3);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

function once() {
  return new Promise((resolve) => {
    const began = process.hrtime.bigint();
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ ok: response.statusCode === 200, ns: process.hrtime.bigint() - began }));
    });
    request.on('error', () => resolve({ ok: false, ns: process.hrtime.bigint() - began }));
  });
}

const latencies = [];
let errors = 0;
const end = Date.now() + seconds * 1000;
async function loop() {
  while (Date.now() < end) {
    const { ok, ns } = await once();
    if (ok) latencies.push(Number(ns) / 1e6);
    else errors += 1;
  }
}
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: connections }, loop));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
console.log(JSON.stringify({
  requests: latencies.length,
  requests_per_second: Math.round(latencies.length / elapsed),
  p50_ms: Number(at(0.5).toFixed(3)),
  p99_ms: Number(at(0.99).toFixed(3)),
  errors,
  connections,
  seconds,
}));
