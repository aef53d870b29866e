// The desk page (pure: data in, one self-contained HTML document out): the latest signal of each
// product, the live track record with its cumulative P&L drawn as inline SVG, and the newest
// finished walk-forward's headline figures. Nothing is fetched from anywhere.

import { escapeHtml } from '../report/html.js';
import type { History, KeptSignal } from './history.js';

export interface RunBrief {
  readonly runId: string;
  readonly experiment: string;
  readonly finishedAt: string | null;
  readonly summary: { accuracy?: Record<string, { estimate: number; lo: number; hi: number }>; days?: number; from?: string; to?: string } | null;
}

export interface DeskPage {
  readonly latest: readonly KeptSignal[];
  readonly history: History;
  readonly run: RunBrief | null;
  /** When the page was made (shown, so a stale tab says so). */
  readonly now: string;
}

const esc = escapeHtml;
const signed = (x: number, d = 3): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

function signalsTable(latest: readonly KeptSignal[]): string {
  if (latest.length === 0) return '<p class="empty">No signals kept yet: <code>bft signal</code> makes them.</p>';
  const rows = latest
    .map(({ signal: s, revision }) => {
      const side = `<span class="side ${s.direction}">${s.direction}</span>`;
      const warn = s.warnings.length > 0 ? `<div class="warn">${s.warnings.map(esc).join('<br>')}</div>` : '';
      return `<tr data-product="${esc(s.product)}"><th>${esc(s.product)}</th><td>${esc(s.forDate)}</td><td>${esc(s.contract)}</td><td class="num">${s.pUp.toFixed(3)}</td><td>${side}</td><td class="num">${s.confidence.toFixed(3)}</td><td class="num">${signed(s.combination.value)}</td><td class="num">${s.position.contracts}</td><td>${esc(s.model.name)}/${esc(s.model.id)}<br><small>trained to ${esc(s.model.trainedThrough)}; as of ${esc(s.asOf)}, revision ${revision}</small>${warn}</td></tr>`;
    })
    .join('\n');
  const parts = latest[0]!.signal.combination.parts.slice(1).map((p) => esc(p.name));
  const contrib = latest
    .map(({ signal: s }) => `<tr><th>${esc(s.product)}</th>${s.combination.parts.map((p) => `<td class="num">${signed(p.contribution)}</td>`).join('')}<td class="num"><b>${signed(s.combination.value)}</b></td></tr>`)
    .join('\n');
  return `<table id="signals"><thead><tr><th>product</th><th>for</th><th>contract</th><th>P(up)</th><th>side</th><th>confidence</th><th>blend</th><th>contracts</th><th>model</th></tr></thead><tbody>
${rows}
</tbody></table>
<p class="caption">Side: the sign of the blend, the model's 2·P(up) − 1 beside the traditional timing factors; contracts sized for the desk's daily risk budget. Contributions to the blend (they add up to it):</p>
<table id="contributions"><thead><tr><th>product</th><th>model</th>${parts.map((p) => `<th>${p}</th>`).join('')}<th>blend</th></tr></thead><tbody>
${contrib}
</tbody></table>`;
}

/** Cumulative P&L in CNY per product over the evenings, one polyline each, as inline SVG. */
function pnlChart(h: History): string {
  const byProduct = h.record.map((r) => {
    let sum = 0;
    const points = h.rows.filter((x) => x.product === r.product && x.pnlCny !== null).map((x) => ({ date: x.asOf, cum: (sum += x.pnlCny!) }));
    return { product: r.product, points };
  });
  const all = byProduct.flatMap((p) => p.points);
  if (all.length < 2) return '<p class="empty">The chart needs at least two evenings whose next-day move is known.</p>';
  const dates = [...new Set(all.map((p) => p.date))].sort();
  const [w, hgt, pad] = [720, 240, 48];
  const lo = Math.min(0, ...all.map((p) => p.cum));
  const hi = Math.max(0, ...all.map((p) => p.cum));
  const x = (d: string): number => pad + ((w - 2 * pad) * dates.indexOf(d)) / Math.max(1, dates.length - 1);
  const y = (v: number): number => hgt - pad + ((pad * 2 - hgt) * (v - lo)) / Math.max(1e-9, hi - lo);
  const lines = byProduct
    .map((p, i) => `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2" points="${p.points.map((q) => `${x(q.date).toFixed(1)},${y(q.cum).toFixed(1)}`).join(' ')}"><title>${esc(p.product)}</title></polyline>`)
    .join('');
  const legend = byProduct.map((p, i) => `<tspan fill="${COLOURS[i % COLOURS.length]}" dx="12">■ ${esc(p.product)}</tspan>`).join('');
  return `<svg id="pnl-chart" viewBox="0 0 ${w} ${hgt}" width="${w}" height="${hgt}" role="img" aria-label="cumulative P&amp;L in CNY per product">
<line x1="${pad}" x2="${w - pad}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>
${lines}
<text x="${pad}" y="${hgt - pad + 18}" font-size="11">${esc(dates[0]!)}</text><text x="${w - pad}" y="${hgt - pad + 18}" font-size="11" text-anchor="end">${esc(dates[dates.length - 1]!)}</text>
<text x="4" y="${y(hi).toFixed(1)}" font-size="11">${Math.round(hi).toLocaleString('en-US')}</text><text x="4" y="${y(lo).toFixed(1)}" font-size="11">${Math.round(lo).toLocaleString('en-US')}</text>
<text x="${pad}" y="16" font-size="12">cumulative P&amp;L, CNY, before costs${legend}</text>
</svg>`;
}

function recordTable(h: History): string {
  if (h.record.length === 0) return '';
  const rows = h.record
    .map((r) => `<tr><th>${esc(r.product)}</th><td class="num">${r.signals}</td><td class="num">${r.scored}</td><td class="num">${r.hitRate === null ? '–' : r.hitRate.toFixed(3)}</td><td class="num">${r.pnlTicks.toFixed(1)}</td><td class="num">${Math.round(r.pnlCny).toLocaleString('en-US')}</td></tr>`)
    .join('\n');
  return `<table id="record"><thead><tr><th>product</th><th>signals</th><th>scored</th><th>hit rate</th><th>P&amp;L ticks / contract</th><th>P&amp;L CNY</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function runSection(run: RunBrief | null): string {
  if (run === null) return '<p class="empty">No finished walk-forward run in this store.</p>';
  const acc = Object.entries(run.summary?.accuracy ?? {});
  const rows = acc.map(([m, a]) => `<tr><th>${esc(m)}</th><td class="num">${a.estimate.toFixed(3)}</td><td class="num">[${a.lo.toFixed(3)}, ${a.hi.toFixed(3)}]</td></tr>`).join('\n');
  const span = run.summary?.from ? `${esc(run.summary.from)} .. ${esc(run.summary.to ?? '')}, ${run.summary.days ?? ''} test days` : '';
  return `<p>Run <code>${esc(run.runId)}</code> of <b>${esc(run.experiment)}</b>, finished ${esc(run.finishedAt ?? '–')}; out of sample ${span}. A backtest, apart from the live record above.</p>
<table id="run"><thead><tr><th>model</th><th>accuracy</th><th>95% interval</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

export function renderDeskPage(p: DeskPage): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bft desk</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
table{border-collapse:collapse;margin:6px 0}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}.side{font-weight:600}.long{color:#0a7a2f}.short{color:#b00020}.flat{color:#666}
.caption,.empty,small{color:#555}.warn{color:#8a5a00;font-size:12px;margin-top:4px}code{font-size:13px}
@media print{body{margin:0}}
</style></head><body>
<h1>bft desk</h1><p class="caption">Made ${esc(p.now)} from the store; signals are made by <code>bft signal</code> or <code>bft daily</code>, from each evening's bars only.</p>
<h2>Today's signals</h2>
${signalsTable(p.latest)}
<h2>Live track record</h2>
${pnlChart(p.history)}
${recordTable(p.history)}
<h2>Latest walk-forward</h2>
${runSection(p.run)}
</body></html>
`;
}
