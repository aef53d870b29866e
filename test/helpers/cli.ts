// Runs the bft command line as a user does: a real process from the sources (tsx), its exit code,
// stdout and stderr.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const TSX = join(ROOT, 'node_modules/.bin/tsx');
export const MAIN = join(ROOT, 'src/cli/main.ts');

export function bft(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(TSX, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
