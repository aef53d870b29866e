// The Python side of npm run bench:quality and bench:rnn: a Debian python3 with torch and numpy,
// installed with apt-get when missing (python3-torch, python3-numpy and libopenblas0-pthread, so
// torch's BLAS is OpenBLAS rather than the reference one: a fair peer). bft never needs Python;
// only these benchmarks do.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEBIAN_PACKAGES = ['python3-torch', 'python3-numpy', 'libopenblas0-pthread'] as const;

/** The interpreter Debian's packages install into (a pyenv or venv python3 on the PATH would not see them). */
export function systemPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

// Debian's torch calls the system libblas.so.3, the reference BLAS unless OpenBLAS is installed:
// the BLAS a matmul maps into the process says which.
const PROBE = "import torch, numpy; torch.randn(64, 64) @ torch.randn(64, 64); print(any('openblas' in l for l in open('/proc/self/maps')))";

/** Whether `python` imports torch and numpy, and whether its torch runs on OpenBLAS. */
function probe(python: string): { torch: boolean; openblas: boolean } {
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8' });
  return { torch: r.status === 0, openblas: r.status === 0 && r.stdout.trim() === 'True' };
}

function hasTorch(python: string): boolean {
  const p = probe(python);
  return p.torch && p.openblas;
}

/**
 * A python3 that imports torch and numpy, its torch on OpenBLAS. When it does not, installs the Debian packages with
 * apt-get (as root, non-interactive, after apt-get update), saying so; throws with the reason when
 * that is not possible.
 */
export function ensureTorch(log: (line: string) => void): string {
  const python = systemPython();
  if (hasTorch(python)) return python;
  const missing = probe(python).torch ? `${python}'s torch does not run on OpenBLAS` : `${python} cannot import torch and numpy`;
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
  if (!hasTorch(python)) throw new Error(`${missing}, even after installing ${DEBIAN_PACKAGES.join(', ')}`);
  return python;
}
