// The built function behind `lift dev`, for the tests that drive it over HTTP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

// `lift dev FUNCTION` on a free port, with `env` as its --env pairs; resolves once it prints
// its URL (rejects when it exits first or has not started within 15 s).
export function startDev(cli, fn, env) {
  const args = ['dev', fn, '--port', '0', '--no-reload'];
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`lift dev did not start: ${stderr}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1], stderr: () => stderr, stdout: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`lift dev exited ${code}: ${stderr}`)));
  });
}

// Stops it as Ctrl-C would and checks that it exits cleanly.
export async function stopDev(server) {
  const exited = new Promise((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'lift dev stops cleanly on SIGTERM');
}
