// What a probe job changes about an ordinary fold job (pure): the labels it trains on, or the
// day its inputs come from. Test labels are never touched: every probe is scored on the truth.
//
//  - permute: training and validation labels shuffled in blocks of `block` consecutive samples
//    (the order of the blocks is shuffled, each block kept whole, so label autocorrelation stays).
//    K of these give the permuted-label null distribution of OOS accuracy.
//  - shuffle: the same with blocks of one sample: every label link broken. A pipeline still scoring
//    above chance here scores from something other than what it learnt: a leak.
//  - shift: every sample's inputs are the next sample's (features one day forward, so day t sees
//    day t+1). Accuracy must jump: proof that the check can see a leak when there is one.

import { SeededRng } from '../../models/seed.js';

export type Probe =
  | { readonly kind: 'permute'; readonly seed: number; readonly block: number }
  | { readonly kind: 'shuffle'; readonly seed: number }
  | { readonly kind: 'shift' };

/** `labels` reordered by whole blocks of `block` (the last block may be shorter), seeded. */
export function blockPermute(labels: Int32Array, block: number, seed: number): Int32Array {
  if (!Number.isInteger(block) || block < 1) throw new RangeError(`permutation block must be a positive integer, got ${block}`);
  const n = labels.length;
  const starts: number[] = [];
  for (let s = 0; s < n; s += block) starts.push(s);
  const rng = new SeededRng(seed, 'label-permutation');
  for (let i = starts.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [starts[i], starts[j]] = [starts[j]!, starts[i]!];
  }
  const out = new Int32Array(n);
  let k = 0;
  for (const s of starts) for (let i = s; i < Math.min(n, s + block); i++) out[k++] = labels[i]!;
  return out;
}

/** Labels a probe trains on (validation labels go through the same with a derived seed). */
export function probeLabels(probe: Probe | undefined, labels: Int32Array, part: 'train' | 'validation'): Int32Array {
  if (probe === undefined || probe.kind === 'shift') return labels;
  const seed = probe.seed * 2 + (part === 'validation' ? 1 : 0);
  return blockPermute(labels, probe.kind === 'permute' ? probe.block : 1, seed);
}

/** Sample indices whose inputs feed `pick` under a probe: the next sample's under 'shift' (the last stays). */
export function probeInputIndices(probe: Probe | undefined, pick: Int32Array, samples: number): Int32Array {
  if (probe?.kind !== 'shift') return pick;
  return pick.map((k) => Math.min(samples - 1, k + 1));
}
