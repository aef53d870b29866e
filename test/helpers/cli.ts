// Runs the bft command line as a user does: a real process from the sources (tsx), its exit code,
// stdout and stderr.

import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const TSX = join(ROOT, 'node_modules/.bin/tsx');
export const MAIN = join(ROOT, 'src/cli/main.ts');

export function bft(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(TSX, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/**
 * bft as a child process that does not block the test: node itself with tsx loaded (not the tsx
 * wrapper, which starts a second process), so several can run side by side.
 */
export function bftAsync(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => res({ code: code ?? -1, out, err }));
  });
}
