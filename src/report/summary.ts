// The box at the top of a run's report (pure): the verdict in plain words, for a reader who reads
// nothing else. Does the headline model beat always-long and the other models on accuracy, and
// buy-and-hold, the timing factors and their combination on Sharpe, out of sample? Each answer
// comes from a paired 95% interval: "beats" when the whole interval is above zero, "trails" when
// it is below, otherwise the two cannot be told apart on these days. Then the gate's verdict, the
// key figures, the data span and the command that made the run.

import type { Interval } from '../eval/score/bootstrap.js';
import type { Evaluation } from '../futures/evaluate.js';
import type { OverfitReport } from '../overfit/analysis.js';
import type { ReportBlock, ReportSection } from './document.js';
import { verdictLine } from './overfit.js';
import { ci, fmt, pct, type Table } from './tables.js';

/** What the summary needs to know of the run beyond its evaluation. */
export interface SummaryContext {
  readonly runId: string;
  readonly folds: number;
  /** How the run was made (or can be made again), e.g. `bft walk-forward --config ...`. */
  readonly command?: string;
  /** Per model label, what it reads (e.g. "daily bars only"), to name it in the verdict. */
  readonly modelNotes?: Readonly<Record<string, string>>;
  /** The fold scheme (expanding, rolling, cpcv). */
  readonly scheme?: string;
}

/** An estimate with its interval (an Interval or a TestResult). */
type Estimate = Pick<Interval, 'estimate' | 'lo' | 'hi'>;

export type Outcome = 'beats' | 'cannot be told apart from' | 'trails';

/** The plain-word outcome of a paired difference (headline minus other) with its interval. */
export function outcomeOf(d: Estimate): Outcome {
  if (d.lo > 0) return 'beats';
  if (d.hi < 0) return 'trails';
  return 'cannot be told apart from';
}

interface Finding {
  readonly other: string;
  readonly outcome: Outcome;
  readonly line: string;
}

function findings(e: Evaluation, ctx: SummaryContext): Finding[] {
  const h = e.models[0]!;
  const diff = (d: Estimate, digits: number, unit: string): string => `${d.estimate >= 0 ? '+' : ''}${fmt(d.estimate, digits)} [${fmt(d.lo, digits)}, ${fmt(d.hi, digits)}]${unit}`;
  const out: Finding[] = [];
  const vsLong = h.versusAlwaysLong;
  out.push({ other: 'always-long', outcome: outcomeOf(vsLong), line: `accuracy ${diff(vsLong, 3, '')} against always-long (${fmt(e.alwaysLong)} of the days were up)` });
  for (const c of e.comparisons) out.push({ other: `${c.b}${note(ctx, c.b)}`, outcome: outcomeOf(c.difference), line: `accuracy ${diff(c.difference, 3, '')} against ${c.b}${note(ctx, c.b)}` });
  for (const v of e.versus) {
    const s = e.strategies.find((x) => x.name === v.b);
    if (!s || s.kind === 'model') continue; // models are compared on accuracy above
    out.push({ other: v.b, outcome: outcomeOf(v.difference), line: `Sharpe ${diff(v.difference, 2, '')} against ${v.b} (${s.kind})` });
  }
  return out;
}

/** The verdict sentence: whom the headline beats, cannot be told apart from, and trails. */
export function verdictSentence(e: Evaluation, ctx: SummaryContext): string {
  const fs = findings(e, ctx);
  const h = e.models[0]!.model;
  const parts = (['beats', 'cannot be told apart from', 'trails'] as const)
    .map((o) => ({ o, names: fs.filter((f) => f.outcome === o).map((f) => f.other) }))
    .filter((p) => p.names.length > 0)
    .map((p) => `${p.o} ${joinNames(p.names)}`);
  return `Out of sample, ${h}${note(ctx, h)} ${parts.join('; ')} (95% intervals of the paired differences below).`;
}

const note = (ctx: SummaryContext, m: string): string => (ctx.modelNotes?.[m] ? ` (${ctx.modelNotes[m]})` : '');

function joinNames(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** The key figures of the headline strategy beside buy-and-hold. */
export function keyFiguresTable(e: Evaluation): Table {
  const h = e.models[0]!;
  const rows = [e.strategies[0]!, ...e.strategies.filter((s) => s.kind === 'benchmark')];
  return {
    head: ['', 'accuracy [95% CI]', 'Sharpe [95% CI]', 'ann. return', 'max DD', 'turnover/yr'],
    rows: rows.map((s) => [s.name, s.kind === 'model' ? ci(h.accuracy) : fmt(e.alwaysLong), ci(s.sharpe, 2), pct(s.stats.annualReturn, 2), pct(s.stats.maxDrawdown, 2), fmt(s.stats.turnover, 0)]),
  };
}

export function summarySection(e: Evaluation, ctx: SummaryContext, overfit?: OverfitReport): ReportSection {
  const fs = findings(e, ctx);
  const gate = overfit ? `Overfitting gate: ${verdictLine(overfit).replace(/^verdict: /, '')}${overfit.reasons.length > 0 ? ` (${overfit.reasons.map((r) => r.text).join('; ')})` : ''}.` : `Overfitting gate: not run on this report (bft overfit-check --run ${ctx.runId}).`;
  const span = `Data: ${e.product}, test days ${e.from} .. ${e.to} (${e.days} days) in ${ctx.folds} folds${ctx.scheme ? ` (${ctx.scheme})` : ''}; the models never saw a test day in training.`;
  const blocks: ReportBlock[] = [
    { kind: 'verdict', text: verdictSentence(e, ctx), reasons: fs.map((f) => `${f.outcome}: ${f.line}`) },
    { kind: 'text', text: gate },
    { kind: 'table', table: keyFiguresTable(e) },
    { kind: 'text', text: span },
    ...(ctx.command ? [{ kind: 'code' as const, lines: [ctx.command] }] : []),
  ];
  return { id: 'summary', title: 'Summary', box: true, blocks };
}
