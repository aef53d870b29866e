// A data status as bft data status and bft demo print it: products, minute bars, splice resolution,
// continuous series and rejects.

import type { DataStatus } from '../data/index.js';
import { table, type Output } from './output.js';

export function printStatus(out: Output, s: DataStatus): void {
  out.result(`store ${s.path} (${s.ingests} ingests)`);
  if (s.products.length === 0) {
    out.result('no bars yet: run `bft synth` or `bft ingest daily FILE...`');
    return;
  }
  out.result('\ndaily bars');
  out.result(table(['product', 'contracts', 'from', 'to', 'days', 'bars'], s.products.map((p) => [p.product, p.contracts, p.firstDate, p.lastDate, p.tradingDays, p.dailyBars])));
  if (s.minute.length > 0) {
    out.result('\nintraday bars');
    out.result(
      table(
        ['product', 'interval', 'contracts', 'from', 'to', 'days', 'bars', 'partial days'],
        s.minute.map((m) => [m.product, `${m.intervalMin}m`, m.contracts, m.firstTs, m.lastTs, m.days, m.bars, m.partialDays]),
      ),
    );
    for (const m of s.minute) if (m.partialExamples.length > 0) out.result(`  ${m.product} ${m.intervalMin}m gaps, e.g. ${m.partialExamples.join('; ')}`);
  }
  if (s.resolutions.length > 0) {
    out.result(`\nsplice contract resolution: ${s.resolutions.map((r) => `${r.product} ${r.method} ${r.days} days`).join(', ')}`);
  }
  if (s.continuous.length > 0) {
    out.result('\ncontinuous main contract');
    out.result(table(['product', 'rule', 'adjust', 'days', 'rolls', 'main now'], s.continuous.map((c) => [c.product, c.rule, c.adjust, c.days, c.rolls, c.lastContract])));
  }
  out.result('\nrejected rows');
  if (s.rejects.length === 0) out.result('none');
  else out.result(table(['file', 'reason', 'rows'], s.rejects.map((r) => [r.file.split(/[\\/]/).pop() ?? r.file, r.code, r.rows])));
}
