// The Python side of npm run bench:quality: a Debian python3 with torch and numpy, installed with
// apt-get when missing (python3-torch, python3-numpy and libopenblas0-pthread, so torch's BLAS is
// OpenBLAS rather than the reference one). bft never needs Python; only this benchmark does.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEBIAN_PACKAGES = ['python3-torch', 'python3-numpy', 'libopenblas0-pthread'] as const;

/** The interpreter Debian's packages install into (a pyenv or venv python3 on the PATH would not see them). */
export function systemPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

/**
 * A python3 that imports torch and numpy. When it does not, installs the Debian packages with
 * apt-get (as root, non-interactive, after apt-get update), saying so; throws with the reason when
 * that is not possible.
 */
export function ensureTorch(log: (line: string) => void): string {
  const python = systemPython();
  if (hasTorch(python)) return python;
  const missing = `${python} cannot import torch and numpy`;
  if (process.getuid?.() !== 0) throw new Error(`${missing}; install them as root: apt-get install ${DEBIAN_PACKAGES.join(' ')}`);
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error(`${missing}, and there is no apt-get to install ${DEBIAN_PACKAGES.join(' ')}`);
  log(`python: ${missing}: installing ${DEBIAN_PACKAGES.join(', ')} with apt-get (Debian packages; used by this benchmark only)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES]]) {
    const t = performance.now();
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`);
    log(`python: apt-get ${args[0]} done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  if (!hasTorch(python)) throw new Error(`${missing} even after installing ${DEBIAN_PACKAGES.join(', ')}`);
  return python;
}
