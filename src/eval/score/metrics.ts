// Out-of-sample binary classification metrics (pure). Inputs are, per test date, P(up) and the
// realised label (1 = the next day went up, 0 = down). The predicted class is "up" when
// prob > 0.5, strictly: a model that says 0.5 has no view and is scored as "down", like a flat
// position. Undefined metrics (recall with no sample of that class, AUC with one class,
// precision with no prediction of that class, MCC with a constant prediction or label) are NaN
// rather than scikit-learn's 0, so a report shows "n/a" instead of a misleading zero.

export interface BinaryMetrics {
  /** Samples used. */
  readonly n: number;
  /** Label 1 count. */
  readonly positives: number;
  /** Predicted class = prob > 0.5 ("win rate"). */
  readonly accuracy: number;
  /** Mean of recallUp and recallDown. */
  readonly balancedAccuracy: number;
  readonly precisionUp: number;
  readonly recallUp: number;
  readonly precisionDown: number;
  readonly recallDown: number;
  /** ROC AUC; ties in prob count half (Mann-Whitney U / (positives * negatives)). */
  readonly auc: number;
  /** Mean negative log-likelihood, probs clipped to [1e-7, 1 - 1e-7]. */
  readonly logLoss: number;
  /** Mean squared error of prob against the label. */
  readonly brier: number;
  /** Matthews correlation coefficient of the predicted class. */
  readonly mcc: number;
}

/** Log-loss clip: a confident miss costs at most -ln(1e-7) ≈ 16.1 instead of Infinity. */
const LOG_LOSS_EPS = 1e-7;

/** Throws unless prob and label have one length, labels are 0/1 and probs lie in [0, 1]. */
function checkInputs(fn: string, prob: ArrayLike<number>, label: ArrayLike<number>): void {
  if (prob.length !== label.length) throw new Error(`${fn}: prob has ${prob.length} values but label has ${label.length}`);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i]!;
    // !(p >= 0 && p <= 1) also catches NaN.
    if (!(p >= 0 && p <= 1)) throw new Error(`${fn}: prob[${i}] is ${p}; probabilities must be numbers in [0, 1]`);
    const y = label[i]!;
    if (y !== 0 && y !== 1) throw new Error(`${fn}: label[${i}] is ${y}; labels must be 0 or 1`);
  }
}

/** Mann-Whitney AUC from the sorted probabilities of the positives and the negatives: O(P + N). */
function aucSorted(pos: Float64Array, neg: Float64Array): number {
  if (pos.length === 0 || neg.length === 0) return NaN;
  let below = 0; // negatives strictly below the current positive
  let notAbove = 0; // negatives at or below it
  let u = 0;
  for (let k = 0; k < pos.length; k++) {
    const p = pos[k]!;
    while (below < neg.length && neg[below]! < p) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < neg.length && neg[notAbove]! <= p) notAbove++;
    u += below + 0.5 * (notAbove - below);
  }
  return u / (pos.length * neg.length);
}

/**
 * Metrics over all samples, or over `subset` (indices, may repeat, as in a bootstrap resample)
 * only. NaN where undefined (e.g. no positives for recall, AUC with one class); all NaN with n = 0.
 * Throws on mismatched lengths, labels other than 0/1, probabilities outside [0, 1] or NaN (in any
 * sample, not only the subset's), and subset indices out of range.
 */
export function binaryMetrics(prob: ArrayLike<number>, label: ArrayLike<number>, subset?: Int32Array): BinaryMetrics {
  checkInputs('binaryMetrics', prob, label);
  const total = prob.length;
  const m = subset ? subset.length : total;
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let logLoss = 0;
  let brier = 0;
  const pos = new Float64Array(m);
  const neg = new Float64Array(m);
  let nPos = 0;
  let nNeg = 0;
  for (let k = 0; k < m; k++) {
    const i = subset ? subset[k]! : k;
    if (subset && !(i >= 0 && i < total)) throw new Error(`binaryMetrics: subset[${k}] is ${i}; indices must lie in [0, ${total})`);
    const p = prob[i]!;
    const up = p > 0.5;
    const pc = Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    if (label[i] === 1) {
      pos[nPos++] = p;
      if (up) tp++;
      else fn++;
      logLoss -= Math.log(pc);
      brier += (1 - p) * (1 - p);
    } else {
      neg[nNeg++] = p;
      if (up) fp++;
      else tn++;
      logLoss -= Math.log(1 - pc);
      brier += p * p;
    }
  }
  const recallUp = tp / (tp + fn);
  const recallDown = tn / (tn + fp);
  // A zero factor under the root (a class never predicted or never seen) zeroes the numerator too: 0/0 = NaN.
  const mcc = (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return {
    n: m,
    positives: nPos,
    accuracy: (tp + tn) / m,
    balancedAccuracy: (recallUp + recallDown) / 2,
    precisionUp: tp / (tp + fp),
    recallUp,
    precisionDown: tn / (tn + fn),
    recallDown,
    auc: aucSorted(pos.subarray(0, nPos).sort(), neg.subarray(0, nNeg).sort()),
    logLoss: logLoss / m,
    brier: brier / m,
    mcc,
  };
}

/** 1 where prob > 0.5 agrees with label, else 0 (per-sample correctness, for paired comparisons). */
export function correctness(prob: ArrayLike<number>, label: ArrayLike<number>): Uint8Array {
  checkInputs('correctness', prob, label);
  const out = new Uint8Array(prob.length);
  for (let i = 0; i < prob.length; i++) out[i] = (prob[i]! > 0.5) === (label[i] === 1) ? 1 : 0;
  return out;
}
