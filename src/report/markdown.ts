// The run report as markdown (report.md) and the terminal summary: the same tables, every
// headline number with its 95% interval, baselines on every table, down markets separately.

import type { Evaluation, ModelVerdict, RegimeTable, StrategyRow } from '../eval/evaluate.js';
import type { Interval } from '../eval/bootstrap.js';

export interface RunInfo {
  readonly runId: string;
  readonly experiment: string;
  readonly folds: number;
  readonly planLines: readonly string[];
  readonly settings: readonly string[];
}

const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? 'inf' : '-');
const pct = (x: number, d = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}%` : '-');
const ci = (i: Interval, d = 3): string => `${f(i.estimate, d)} [${f(i.lo, d)}, ${f(i.hi, d)}]`;
const p = (x: number): string => (!Number.isFinite(x) ? '-' : x < 0.001 ? '<0.001' : x.toFixed(3));

/** A markdown table (also readable as plain text). */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function classificationTable(e: Evaluation): string {
  const row = (v: ModelVerdict): string[] => [
    v.model,
    String(v.metrics.n),
    ci(v.accuracy),
    p(v.versusHalf.p),
    `${f(v.versusAlwaysLong.estimate)} [${f(v.versusAlwaysLong.lo)}, ${f(v.versusAlwaysLong.hi)}]`,
    p(v.versusAlwaysLong.p),
    f(v.metrics.balancedAccuracy),
    ci(v.auc),
    f(v.metrics.logLoss),
    f(v.metrics.brier),
    f(v.metrics.mcc),
  ];
  return mdTable(
    ['model', 'days', 'accuracy [95% CI]', 'p vs 50%', 'minus always-long [95% CI]', 'p', 'balanced acc', 'AUC [95% CI]', 'log-loss', 'Brier', 'MCC'],
    [...e.models.map(row), ['always-long', String(e.days), f(e.alwaysLong), '-', '-', '-', '0.500', '-', '-', '-', '-']],
  );
}

export function comparisonTable(e: Evaluation): string {
  return mdTable(
    ['comparison', 'accuracy difference [95% CI]', 'p'],
    e.comparisons.map((c) => [`${c.a} − ${c.b}`, `${f(c.difference.estimate)} [${f(c.difference.lo)}, ${f(c.difference.hi)}]`, p(c.difference.p)]),
  );
}

export function regimeTable(e: Evaluation, t: RegimeTable): string {
  const models = e.models.map((m) => m.model);
  return mdTable(
    ['regime', 'days', 'up share (always-long)', ...models.map((m) => `${m} accuracy [95% CI]`)],
    t.rows.map((r) => [r.label, String(r.n), f(r.upShare), ...models.map((m) => (r.n > 0 ? ci(r.accuracy[m]!) : '-'))]),
  );
}

export function strategyTable(rows: readonly StrategyRow[]): string {
  return mdTable(
    ['strategy', 'kind', 'ann. return', 'ann. vol', 'Sharpe [95% CI]', 'p', 'Sortino', 'max DD', 'Calmar', 'turnover/yr', 'hit rate', 'profit factor', 'ticks', 'CNY / contract'],
    rows.map((s) => [
      s.name,
      s.kind,
      pct(s.stats.annualReturn, 2),
      pct(s.stats.annualVol, 2),
      `${f(s.sharpe.estimate, 2)} [${f(s.sharpe.lo, 2)}, ${f(s.sharpe.hi, 2)}]`,
      p(s.sharpe.p),
      f(s.stats.sortino, 2),
      pct(s.stats.maxDrawdown, 2),
      f(s.stats.calmar, 2),
      f(s.stats.turnover, 0),
      pct(s.stats.hitRate),
      f(s.stats.profitFactor, 2),
      f(s.stats.totalTicks, 0),
      f(s.stats.totalCny, 0),
    ]),
  );
}

export function gapTable(e: Evaluation): string {
  return mdTable(
    ['model', 'folds', 'train accuracy', 'OOS accuracy', 'gap', 'train log-loss', 'OOS log-loss'],
    e.gap.map((g) => [g.model, String(g.folds), f(g.trainAccuracy), f(g.testAccuracy), f(g.accuracyGap), f(g.trainLoss), f(g.testLoss)]),
  );
}

export function markdownReport(info: RunInfo, e: Evaluation): string {
  const out: string[] = [
    `# Walk-forward run ${info.runId} (${info.experiment})`,
    '',
    `Out of sample: ${e.product}, ${e.from} .. ${e.to}, ${e.days} test days in ${info.folds} folds. Intervals are 95% circular block-bootstrap intervals; p-values are two-sided.`,
    '',
    ...info.settings.map((s) => `- ${s}`),
    '',
    '## Out-of-sample classification',
    '',
    classificationTable(e),
    '',
    comparisonTable(e),
    '',
    '## Down markets',
    '',
    'Each definition splits the test days into up, down and sideways. Definitions known at t can drive a decision; "day" looks at the outcome and is for reporting only.',
    '',
  ];
  for (const t of e.regimes) out.push(`### ${t.definition}${t.knownAtT ? '' : ' (not known at t)'}`, '', t.description, '', regimeTable(e, t), '');
  out.push('## Strategies', '', 'Positions decided at the close of t for t -> t+1, costs per side in ticks, rolls costed; returns are fractions of one contract notional, added up (no compounding).', '', strategyTable(e.strategies), '');
  for (const s of e.strategies) out.push(`- **${s.name}**: ${s.description}`);
  out.push('', '## Train vs out-of-sample', '', gapTable(e), '', '## Fold plan', '', '```', ...info.planLines, '```', '');
  return out.join('\n');
}

/** What `bft walk-forward` prints at the end: the OOS comparison and the down-market table. */
export function summaryLines(e: Evaluation): string[] {
  const trend = e.regimes.find((r) => r.definition === 'trend') ?? e.regimes[0];
  return [
    `out of sample: ${e.product} ${e.from}..${e.to}, ${e.days} test days`,
    classificationTable(e),
    comparisonTable(e),
    ...(trend ? [`down markets (${trend.definition}: ${trend.description})`, regimeTable(e, trend)] : []),
    strategyTable(e.strategies),
  ];
}
