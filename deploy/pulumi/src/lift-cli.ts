import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The architectures Lambda runs and `lift package --arch` checks. */
export type LiftArchitecture = 'x86_64' | 'arm64';

export function checkArchitecture(owner: string, value: unknown): LiftArchitecture {
  if (value === 'x86_64' || value === 'arm64') return value;
  throw new Error(`${owner}: architecture must be 'x86_64' or 'arm64', not ${JSON.stringify(value)}`);
}

function run(owner: string, liftCli: string, args: string[]): string {
  const result = spawnSync(liftCli, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (result.error) {
    throw new Error(
      `${owner}: cannot run '${liftCli}' (${result.error.message}); ` +
        'set liftCli or LIFT_CLI to the lift command line (make build puts it at build/bin/lift)',
    );
  }
  if (result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
    throw new Error(`${owner}: ${liftCli} ${args.join(' ')} failed (exit ${result.status ?? result.signal}): ${output}`);
  }
  return result.stdout;
}

export function existingPath(owner: string, what: string, given: string): string {
  const resolved = path.resolve(given);
  if (!fs.existsSync(resolved)) throw new Error(`${owner}: ${what} ${given} does not exist (build it first: make build)`);
  return resolved;
}

/**
 * Packages an executable (or a directory holding a `bootstrap`) with `lift package` and returns
 * the zip's path. The zip goes to a per-user cache directory under a name derived from what was
 * packaged, written to a temporary name first: `lift package` is deterministic, so the same
 * binary gives the same zip and Pulumi sees no change to upload, and two programs packaging at
 * once never read each other's half-written file.
 */
export function liftPackage(
  owner: string,
  liftCli: string,
  executable: string,
  architecture: LiftArchitecture,
  keepSymbols: boolean,
): string {
  const user = os.userInfo().uid;
  const dir = path.join(os.tmpdir(), `lift-pulumi-${user < 0 ? 'user' : user}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = crypto.createHash('sha256').update(JSON.stringify([executable, architecture, keepSymbols])).digest('hex');
  const zip = path.join(dir, `${key.slice(0, 32)}.zip`);
  const partial = `${zip}.${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
  const args = ['package', executable, '--arch', architecture, '-o', partial];
  if (keepSymbols) args.push('--no-strip');
  try {
    run(owner, liftCli, args);
    fs.renameSync(partial, zip);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return zip;
}

/** The function's OpenAPI document, as `lift openapi FUNCTION` prints it. */
export function liftOpenApi(owner: string, liftCli: string, executable: string): unknown {
  const text = run(owner, liftCli, ['openapi', executable]);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${owner}: ${liftCli} openapi ${executable} printed no JSON document (${(e as Error).message})`);
  }
}
