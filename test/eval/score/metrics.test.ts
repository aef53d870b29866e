import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryMetrics, correctness, type BinaryMetrics } from '../../../src/eval/score/metrics.js';

interface MetricsCase {
  name: string;
  prob: number[];
  label: number[];
  subset: number[] | null;
  expected: Record<'accuracy' | 'balanced_accuracy' | 'precision_up' | 'recall_up' | 'precision_down' | 'recall_down' | 'auc' | 'log_loss' | 'brier' | 'mcc', number>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8')) as { metrics: MetricsCase[] };

// Same counts and sums in a different order than scikit-learn: agreement to ~1e-15 expected;
// 1e-12 leaves headroom while any convention difference (0.5 threshold side, tie handling,
// clipping) moves a value by >= 1/n ≈ 5e-3.
const TOL = 1e-12;

describe('binaryMetrics by hand', () => {
  // prob   0.9 0.8 0.6 0.5 0.4 0.3 0.2 0.6
  // label   1   0   1   1   0   0   1   0
  // pred    1   1   1   0   0   0   0   1      (0.5 predicts down)
  // TP = 2 (0, 2), FP = 2 (1, 7), FN = 2 (3, 6), TN = 2 (4, 5)
  const prob = [0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.6];
  const label = [1, 0, 1, 1, 0, 0, 1, 0];
  const m = binaryMetrics(prob, label);

  it('counts, accuracy, precision and recall from the 2x2 table (prob 0.5 is a "down" call)', () => {
    expect(m.n).toBe(8);
    expect(m.positives).toBe(4);
    expect(m.accuracy).toBe(0.5);
    expect(m.balancedAccuracy).toBe(0.5);
    expect(m.precisionUp).toBe(0.5);
    expect(m.recallUp).toBe(0.5);
    expect(m.precisionDown).toBe(0.5);
    expect(m.recallDown).toBe(0.5);
    expect(m.mcc).toBe(0);
  });

  it('AUC counts positive-negative pairs, a tie as half', () => {
    // Positives 0.9, 0.6, 0.5, 0.2 vs negatives 0.8, 0.4, 0.3, 0.6:
    // 0.9 beats 4; 0.6 beats 2 and ties 1 (2.5); 0.5 beats 2; 0.2 beats 0 -> 8.5 / 16.
    expect(m.auc).toBe(8.5 / 16);
  });

  it('log loss and Brier score are means over samples', () => {
    const ll = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.6) + Math.log(0.5) + Math.log(0.6) + Math.log(0.7) + Math.log(0.2) + Math.log(0.4)) / 8;
    expect(m.logLoss).toBeCloseTo(ll, 14);
    const br = (0.01 + 0.64 + 0.16 + 0.25 + 0.16 + 0.09 + 0.64 + 0.36) / 8;
    expect(m.brier).toBeCloseTo(br, 14);
  });

  it('an unbalanced table gives the textbook MCC', () => {
    // TP 3, FP 1, FN 2, TN 4: MCC = (12 - 2) / sqrt(4 * 5 * 5 * 6) = 10 / sqrt(600).
    const r = binaryMetrics([0.9, 0.8, 0.7, 0.6, 0.1, 0.2, 0.3, 0.4, 0.45, 0.2], [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
    expect(r.mcc).toBeCloseTo(10 / Math.sqrt(600), 14);
    expect(r.balancedAccuracy).toBeCloseTo((3 / 5 + 4 / 5) / 2, 14);
    expect(r.precisionUp).toBe(3 / 4);
    expect(r.precisionDown).toBe(4 / 6);
  });

  it('perfect ranking gives AUC 1, reversed ranking 0, all-equal probs 0.5', () => {
    expect(binaryMetrics([0.1, 0.2, 0.7, 0.8], [0, 0, 1, 1]).auc).toBe(1);
    expect(binaryMetrics([0.1, 0.2, 0.7, 0.8], [1, 1, 0, 0]).auc).toBe(0);
    expect(binaryMetrics([0.6, 0.6, 0.6, 0.6], [1, 0, 1, 0]).auc).toBe(0.5);
  });

  it('clips probabilities at 1e-7 in log loss, so a certain miss costs -ln(1e-7), not Infinity', () => {
    const r = binaryMetrics([0, 1], [1, 0]);
    expect(r.logLoss).toBeCloseTo(-Math.log(1e-7), 6);
    expect(r.brier).toBe(1);
    expect(binaryMetrics([1, 0], [1, 0]).logLoss).toBeCloseTo(-Math.log(1 - 1e-7), 12);
  });
});

describe('binaryMetrics undefined cases are NaN', () => {
  it('one class only: recall of the missing class, balanced accuracy, AUC and MCC are NaN', () => {
    const r = binaryMetrics([0.7, 0.4, 0.6], [1, 1, 1]);
    expect(r.positives).toBe(3);
    expect(r.accuracy).toBeCloseTo(2 / 3, 15);
    expect(r.recallUp).toBeCloseTo(2 / 3, 15);
    expect(r.precisionUp).toBe(1);
    expect(r.precisionDown).toBe(0);
    expect(r.recallDown).toBeNaN();
    expect(r.balancedAccuracy).toBeNaN();
    expect(r.auc).toBeNaN();
    expect(r.mcc).toBeNaN();
  });

  it('a constant "up" prediction (always long) has NaN precisionDown and MCC but a defined AUC', () => {
    const r = binaryMetrics([0.6, 0.7, 0.8, 0.9], [0, 1, 0, 1]);
    expect(r.precisionUp).toBe(0.5);
    expect(r.recallUp).toBe(1);
    expect(r.recallDown).toBe(0);
    expect(r.precisionDown).toBeNaN();
    expect(r.mcc).toBeNaN();
    expect(r.auc).toBe(0.75);
  });

  it('an empty subset gives n = 0 and NaN metrics', () => {
    const r = binaryMetrics([0.6, 0.4], [1, 0], new Int32Array(0));
    expect(r.n).toBe(0);
    expect(r.positives).toBe(0);
    for (const k of ['accuracy', 'auc', 'logLoss', 'brier', 'mcc'] as const) expect(r[k]).toBeNaN();
  });
});

describe('binaryMetrics subset', () => {
  it('equals the metrics of the selected samples copied out, repeats included', () => {
    const prob = [0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.6];
    const label = [1, 0, 1, 1, 0, 0, 1, 0];
    const subset = Int32Array.from([7, 0, 0, 3, 5, 2, 2, 2]);
    const viaSubset = binaryMetrics(prob, label, subset);
    const copied = binaryMetrics(Array.from(subset, (i) => prob[i]!), Array.from(subset, (i) => label[i]!));
    expect(viaSubset).toEqual(copied);
    expect(viaSubset.n).toBe(8);
    expect(viaSubset.positives).toBe(6);
    // And differs from the full-sample metrics, so the subset is really used.
    expect(viaSubset.accuracy).not.toBe(binaryMetrics(prob, label).accuracy);
  });

  it('rejects indices out of range', () => {
    expect(() => binaryMetrics([0.6, 0.4], [1, 0], Int32Array.from([0, 2]))).toThrow(/subset\[1\] is 2/);
    expect(() => binaryMetrics([0.6, 0.4], [1, 0], Int32Array.from([-1]))).toThrow(/subset\[0\] is -1/);
  });
});

describe('binaryMetrics vs scikit-learn (scripts/metrics-fixture.py)', () => {
  const pairs: [keyof MetricsCase['expected'], keyof BinaryMetrics][] = [
    ['accuracy', 'accuracy'],
    ['balanced_accuracy', 'balancedAccuracy'],
    ['precision_up', 'precisionUp'],
    ['recall_up', 'recallUp'],
    ['precision_down', 'precisionDown'],
    ['recall_down', 'recallDown'],
    ['auc', 'auc'],
    ['log_loss', 'logLoss'],
    ['brier', 'brier'],
    ['mcc', 'mcc'],
  ];
  it('has cases with ties, exact 0 / 0.5 / 1 probabilities and subsets', () => {
    expect(fixture.metrics.length).toBeGreaterThanOrEqual(6);
    const all = fixture.metrics.flatMap((c) => c.prob);
    expect(all).toContain(0.5);
    expect(all).toContain(0);
    expect(all).toContain(1);
    expect(fixture.metrics.filter((c) => c.subset !== null).length).toBe(2);
  });
  for (const c of fixture.metrics) {
    it(c.name, () => {
      const m = binaryMetrics(c.prob, c.label, c.subset ? Int32Array.from(c.subset) : undefined);
      expect(m.n).toBe(c.subset ? c.subset.length : c.prob.length);
      for (const [theirs, ours] of pairs) {
        const e = c.expected[theirs];
        expect(Math.abs((m[ours] as number) - e), `${ours}: ours ${m[ours]} vs sklearn ${e}`).toBeLessThanOrEqual(TOL * (1 + Math.abs(e)));
      }
    });
  }
});

describe('correctness', () => {
  it('is 1 where prob > 0.5 agrees with the label', () => {
    expect(Array.from(correctness([0.9, 0.8, 0.5, 0.5, 0.1, 0.51], [1, 0, 0, 1, 0, 0]))).toEqual([1, 0, 1, 0, 1, 0]);
  });
  it('averages to binaryMetrics accuracy', () => {
    const c = fixture.metrics[1]!;
    const k = correctness(c.prob, c.label).reduce((s, v) => s + v, 0);
    expect(k / c.prob.length).toBeCloseTo(binaryMetrics(c.prob, c.label).accuracy, 15);
  });
});

describe('input errors', () => {
  it('throws on mismatched lengths', () => {
    expect(() => binaryMetrics([0.5, 0.5], [1])).toThrow('binaryMetrics: prob has 2 values but label has 1');
    expect(() => correctness([0.5], [1, 0])).toThrow('correctness: prob has 1 values but label has 2');
  });
  it('throws on labels other than 0/1, naming the index', () => {
    expect(() => binaryMetrics([0.5, 0.5], [1, 2])).toThrow('label[1] is 2; labels must be 0 or 1');
    expect(() => binaryMetrics([0.5, 0.5], [-1, 0])).toThrow('label[0] is -1');
    expect(() => correctness([0.5], [NaN])).toThrow('label[0] is NaN');
  });
  it('throws on NaN and out-of-range probabilities', () => {
    expect(() => binaryMetrics([0.5, NaN], [1, 0])).toThrow('prob[1] is NaN; probabilities must be numbers in [0, 1]');
    expect(() => binaryMetrics([1.2, 0.5], [1, 0])).toThrow('prob[0] is 1.2');
    expect(() => correctness([NaN], [1])).toThrow('prob[0] is NaN');
  });
  it('throws on a NaN probability outside the subset too', () => {
    expect(() => binaryMetrics([0.5, NaN], [1, 0], Int32Array.from([0]))).toThrow('prob[1] is NaN');
  });
});
