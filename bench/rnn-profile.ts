// npm run bench:rnn-profile: where the time of bench:rnn's fused rows goes. Trains one epoch and
// runs inference over the reference workload (bench/models.ts measure: daily [20 x 16] + minute
// [bars x 8], 32 units, last steps, dense 32, Adam, batch 64) under V8's sampling profiler and
// sums the self time by where the code lives: bft's RNN kernel (src/models/rnn/rnn.wasm, by
// function), the tfjs wasm backend's compiled code, tfjs's JavaScript, bft's JavaScript, the
// garbage collector. Options: see USAGE.

import { Session } from 'node:inspector/promises';
import { benchArg, exitOnHelp } from './args.js';
import { measure } from './models.js';

const USAGE = `npm run bench:rnn-profile -- [--preset dual-gru] [--bars 51] [--samples 2048]
Prints the self time of one bench:rnn fused measurement (3 epochs and 3 inference passes after a
warm-up) by category and the kernel's functions by index (0 storeBlocks, 1 loadBlocks, 2 gemvAcc,
3 backRows, 4 padRows, 5/6 _infLstmRow/_infGruRow, 7/8 _fwdLstmRow/_fwdGruRow, 9/10
_bwdLstmRow/_bwdGruRow: the order of assembly/rnn.ts in the build).`;

exitOnHelp(USAGE);
const arg = benchArg;
const preset = arg('preset', 'dual-gru');
const bars = Number(arg('bars', '51'));
const samples = Number(arg('samples', '2048'));
if (!['dual-gru', 'dual-lstm'].includes(preset) || !(Number.isInteger(bars) && bars > 0) || !(Number.isInteger(samples) && samples >= 64)) {
  console.error(`bench:rnn-profile: --preset dual-gru|dual-lstm, --bars and --samples (>= 64) whole numbers\n${USAGE}`);
  process.exit(2);
}

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

const session = new Session();
session.connect();
await measure(preset, 'wasm', 256, bars, 'fused'); // compile and tier up before the profile
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const speed = await measure(preset, 'wasm', samples, bars, 'fused');
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const nodes = profile.nodes as unknown as ProfileNode[];
const selfTime = new Map<number, number>();
profile.samples!.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
// The wasm modules by url: bft's kernel is the small one (about 20 functions), tfjs's has hundreds.
const maxIndex = new Map<string, number>();
for (const n of nodes) {
  const m = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName);
  if (n.callFrame.url.startsWith('wasm://') && m) maxIndex.set(n.callFrame.url, Math.max(maxIndex.get(n.callFrame.url) ?? 0, Number(m[1])));
}
const category = (cf: CallFrame): string => {
  if (cf.url.startsWith('wasm://')) return (maxIndex.get(cf.url) ?? 0) < 64 ? `kernel ${cf.functionName}` : 'tfjs wasm backend (compiled)';
  if (cf.url.includes('@tensorflow/tfjs-backend-wasm')) return 'tfjs wasm backend (JavaScript)';
  if (cf.url.includes('@tensorflow')) return 'tfjs core and layers (JavaScript)';
  if (cf.url.includes('/bench/')) return 'benchmark set-up (random data)';
  if (cf.url.includes('/src/')) return 'bft (JavaScript)';
  if (cf.functionName === '(garbage collector)' || cf.functionName === '(idle)' || cf.functionName === '(program)') return cf.functionName;
  return 'other (V8 built-ins, node)';
};
const sums = new Map<string, number>();
let total = 0;
for (const n of nodes) {
  const t = selfTime.get(n.id) ?? 0;
  total += t;
  const c = category(n.callFrame);
  sums.set(c, (sums.get(c) ?? 0) + t);
}
let kernel = 0;
for (const [c, t] of sums) if (c.startsWith('kernel')) kernel += t;
console.log(`bench:rnn-profile: ${preset}, bars ${bars}, ${samples} samples: train ${speed.trainPerS.toFixed(0)}/s, inference ${speed.inferPerS.toFixed(0)}/s (3 epochs and 3 inference passes profiled, ${(total / 1000).toFixed(0)} ms of samples)`);
console.log(`${'kernel (rnn.wasm), all functions'.padEnd(40)} ${(kernel / 1000).toFixed(0).padStart(6)} ms ${((100 * kernel) / total).toFixed(1).padStart(5)} %`);
for (const [c, t] of [...sums].sort((a, b) => b[1] - a[1])) {
  if (t / total < 0.005) continue;
  console.log(`${(c.startsWith('kernel') ? `  ${c}` : c).padEnd(40)} ${(t / 1000).toFixed(0).padStart(6)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %`);
}
