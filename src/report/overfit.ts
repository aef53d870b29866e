// The overfitting and leakage section of a run's report (as data, see ./sections.ts) and the lines
// `bft overfit-check` prints: every check with its value and limit, then the verdict.

import type { OverfitReport } from '../overfit/analysis.js';
import type { ReportSection } from './document.js';
import { fmt, type Table } from './tables.js';

export function checksTable(r: OverfitReport): Table {
  return { head: ['check', 'value', 'limit', 'result'], rows: r.checks.map((c) => [c.name, fmt(c.value), c.limit, c.ok ? 'pass' : 'FAIL']) };
}

export function gapFoldTable(r: OverfitReport): Table {
  return {
    head: ['fold', 'train accuracy', 'OOS accuracy', 'gap', 'train log-loss', 'OOS log-loss'],
    rows: r.gap.folds.map((f) => [String(f.fold), fmt(f.trainAccuracy), fmt(f.testAccuracy), fmt(f.gap), fmt(f.trainLoss), fmt(f.testLoss)]),
  };
}

/** The figures behind the checks, one line each. */
export function overfitFigures(r: OverfitReport): string[] {
  const g = r.gap.accuracyGap;
  const lines = [
    `${r.headline}: OOS accuracy ${fmt(r.accuracy)} over ${r.testDays} test days`,
    `train vs OOS: accuracy gap ${fmt(g.estimate)} [${fmt(g.lo)}, ${fmt(g.hi)}] (95% bootstrap over ${r.gap.folds.length} folds); log-loss ${fmt(r.gap.trainLoss)} in training, ${fmt(r.gap.testLoss)} out of sample`,
    'pbo' in r.pbo
      ? `PBO (CSCV, ${r.pbo.configs.length} configurations: ${r.pbo.configs.join(', ')}; ${r.pbo.blocks} blocks, ${r.pbo.splits} splits): ${fmt(r.pbo.pbo)}; OOS-on-IS slope ${fmt(r.pbo.degradationSlope)}; probability of OOS loss ${fmt(r.pbo.probOosLoss)}${r.checks.some((c) => c.name === 'PBO') ? '' : ' (not judged: too few configurations, see thresholds.pboMinConfigs)'}`
      : `PBO: skipped, ${r.pbo.skipped}`,
    `Sharpe of ${r.headline}: annual ${fmt(r.sharpe.annual, 2)} (skew ${fmt(r.sharpe.skew, 2)}, kurtosis ${fmt(r.sharpe.kurtosis, 2)}); PSR vs 0 ${fmt(r.sharpe.psr)}; deflated over ${r.sharpe.trials} trial(s) ${fmt(r.sharpe.dsr)} (threshold ${fmt(r.sharpe.threshold, 4)} per day); MinTRL ${Number.isFinite(r.sharpe.minTrackRecordDays) ? `${Math.ceil(r.sharpe.minTrackRecordDays)} days` : 'never (Sharpe <= 0)'}`,
  ];
  const pd = r.sharpe.pathDsr;
  if (pd) lines.push(`deflated Sharpe on each CPCV path: ${pd.values.map((x) => fmt(x)).join(' ')} (median ${fmt(pd.median)}, ${pd.below} of ${pd.values.length} below ${pd.limit}; reported, not judged: the check uses the folds averaged)`);
  if (r.nullTest) lines.push(`permuted-label null: ${r.nullTest.permutations} retrains on labels permuted in blocks of ${r.nullTest.block}${Math.abs(r.nullTest.realAccuracy - r.accuracy) > 1e-12 ? ` against ${fmt(r.nullTest.realAccuracy)} (seed 0, every fold's predictions)` : ''}: accuracies ${r.nullTest.accuracies.map((a) => fmt(a)).join(' ')} (mean ${fmt(r.nullTest.mean)}, sd ${fmt(r.nullTest.sd)}); p ${fmt(r.nullTest.p)} (${r.nullTest.permutations >= 19 ? 'empirical' : `normal fit; empirical ${fmt(r.nullTest.pEmpirical)}, which cannot go below 1/${r.nullTest.permutations + 1} with ${r.nullTest.permutations} permutations`})`);
  if (r.shuffle) lines.push(`label-shuffle probe: OOS accuracy ${fmt(r.shuffle.accuracy)} (p ${fmt(r.shuffle.p)}, one-sided, against ${r.shuffle.against === 'nulls' ? 'the permuted-label nulls' : '50%'})`);
  if (r.shift) lines.push(`future-shift probe: OOS accuracy ${fmt(r.shift.accuracy)} with features one day ahead (jump ${fmt(r.shift.jump)})`);
  if (r.lookahead.length > 0) {
    const bad = r.lookahead.filter((l) => l.problem !== null);
    lines.push(`no-look-ahead probe: ${r.lookahead.length} dates rebuilt from data cut at each (${r.lookahead.map((l) => l.date).join(', ')}): ${bad.length === 0 ? 'inputs identical' : `${bad.length} changed; ${bad[0]!.date}: ${bad[0]!.problem}`}`);
  }
  return lines;
}

export function verdictLine(r: OverfitReport): string {
  return r.pass ? 'verdict: pass' : `verdict: FAIL (${[...new Set(r.reasons.map((x) => x.kind))].join(', ')})`;
}

/** The report section: the figures, every check, the verdict with its reasons, the gap by fold. */
export function overfitSection(r: OverfitReport): ReportSection {
  return {
    id: 'overfit',
    title: 'Overfitting and leakage checks',
    anchor: true,
    blocks: [
      { kind: 'list', items: overfitFigures(r).map((l) => ({ text: l })) },
      { kind: 'table', table: checksTable(r) },
      { kind: 'verdict', text: verdictLine(r), reasons: r.reasons.map((x) => x.text) },
      { kind: 'section', section: { id: 'overfit-gap', title: 'Train vs out-of-sample by fold', blocks: [{ kind: 'table', table: gapFoldTable(r) }] } },
    ],
  };
}
