import { describe, expect, it } from 'vitest';
import { blockPermute, probeInputIndices, probeLabels } from '../../../src/eval/run/probes.js';

describe('probes', () => {
  const labels = Int32Array.from({ length: 50 }, (_, i) => i); // distinct values show where each went

  it('blockPermute moves whole blocks: a permutation that keeps every block of 10 in order', () => {
    const p = blockPermute(labels, 10, 3);
    expect([...p].sort((a, b) => a - b)).toEqual([...labels]);
    expect(p).not.toEqual(labels);
    for (let b = 0; b < 5; b++) {
      const block = Array.from(p.slice(b * 10, b * 10 + 10));
      expect(block[0]! % 10).toBe(0);
      expect(block.every((v, i) => i === 0 || v === block[i - 1]! + 1)).toBe(true);
    }
    // seeded: same seed, same order; another seed, another
    expect(blockPermute(labels, 10, 3)).toEqual(p);
    expect(blockPermute(labels, 10, 4)).not.toEqual(p);
    expect(() => blockPermute(labels, 0, 1)).toThrow(/positive integer/);
  });

  it('shuffle permutes single samples; validation labels get their own order; shift leaves labels alone', () => {
    const t = probeLabels({ kind: 'shuffle', seed: 9 }, labels, 'train');
    const v = probeLabels({ kind: 'shuffle', seed: 9 }, labels, 'validation');
    expect([...t].sort((a, b) => a - b)).toEqual([...labels]);
    expect(t).not.toEqual(v);
    let inPlace = 0;
    for (let i = 0; i < 50; i++) if (t[i] === i) inPlace++;
    expect(inPlace).toBeLessThan(10);
    expect(probeLabels({ kind: 'shift' }, labels, 'train')).toBe(labels);
    expect(probeLabels(undefined, labels, 'train')).toBe(labels);
  });

  it('shift takes each sample\'s inputs from the next sample (the last keeps its own)', () => {
    expect(Array.from(probeInputIndices({ kind: 'shift' }, Int32Array.from([3, 4, 9]), 10))).toEqual([4, 5, 9]);
    const pick = Int32Array.from([1, 2]);
    expect(probeInputIndices({ kind: 'permute', seed: 1, block: 5 }, pick, 10)).toBe(pick);
  });
});
