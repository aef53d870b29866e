// Combinatorial purged cross-validation (pure): López de Prado (2018), Advances in Financial
// Machine Learning, ch. 12. T samples in time order are cut into N contiguous groups; each of the
// C(N, k) choices of k groups is a test set and the rest, purged and embargoed around every test
// group, its training set. Each group is tested in C(N-1, k-1) splits, so the splits' test
// predictions assemble into phi = C(N, k) k / N complete backtest paths.

import { binomial, maskMembers, subsetMasks } from './combinations.js';

export interface CpcvOptions {
  readonly samples: number;
  readonly groups: number;
  readonly testGroups: number;
  /** Training samples dropped before each test group: the label horizon (a label at t looks h samples ahead). */
  readonly purge: number;
  /** Training samples dropped after each test group (serial correlation beyond the label). */
  readonly embargo: number;
}

export interface CpcvSplit {
  readonly index: number;
  readonly testGroups: readonly number[];
  /** Sample indices, ascending. */
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export interface CpcvPlan {
  readonly options: CpcvOptions;
  /** Group g covers samples [bounds[g], bounds[g + 1]). */
  readonly bounds: Int32Array;
  readonly splits: readonly CpcvSplit[];
  /** paths[p][g]: the split whose test predictions of group g belong to path p. */
  readonly paths: readonly (readonly number[])[];
}

export function cpcvPathCount(groups: number, testGroups: number): number {
  return (binomial(groups, testGroups) * testGroups) / groups;
}

export function cpcvPlan(o: CpcvOptions): CpcvPlan {
  const { samples: T, groups: N, testGroups: k, purge, embargo } = o;
  if (!Number.isInteger(N) || N < 2 || N > 30) throw new RangeError(`CPCV: groups must be an integer in 2..30, got ${N}`);
  if (!Number.isInteger(k) || k < 1 || k >= N) throw new RangeError(`CPCV: test groups must be an integer in 1..${N - 1}, got ${k}`);
  if (!Number.isInteger(T) || T < N) throw new RangeError(`CPCV: ${T} samples are fewer than ${N} groups`);
  if (!Number.isInteger(purge) || purge < 0 || !Number.isInteger(embargo) || embargo < 0) throw new RangeError(`CPCV: purge and embargo must be non-negative integers, got ${purge} and ${embargo}`);
  const bounds = Int32Array.from({ length: N + 1 }, (_, g) => Math.floor((g * T) / N));
  const splits: CpcvSplit[] = [];
  for (const mask of subsetMasks(N, k)) {
    const testGroups = maskMembers(mask, N);
    const inTest = new Uint8Array(T);
    const dropped = new Uint8Array(T);
    for (const g of testGroups) {
      const from = bounds[g]!;
      const to = bounds[g + 1]!;
      for (let i = from; i < to; i++) inTest[i] = 1;
      for (let i = Math.max(0, from - purge); i < from; i++) dropped[i] = 1;
      for (let i = to; i < Math.min(T, to + embargo); i++) dropped[i] = 1;
    }
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < T; i++) {
      if (inTest[i]) test.push(i);
      else if (!dropped[i]) train.push(i);
    }
    splits.push({ index: splits.length, testGroups, train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  // Path p takes, for every group, the p-th split (in split order) that tests it.
  const phi = cpcvPathCount(N, k);
  const byGroup: number[][] = Array.from({ length: N }, () => []);
  for (const s of splits) for (const g of s.testGroups) byGroup[g]!.push(s.index);
  const paths = Array.from({ length: phi }, (_, p) => byGroup.map((list) => list[p]!));
  return { options: o, bounds, splits, paths };
}
