// npm run bench -- --only equity: the equity factor module's speed. A synthetic market of 3,000
// stocks x 5 years (src/synth/equity) is generated and ingested into a fresh DuckDB file, then
// exposures and daily factor returns are fitted on it (stock-days/s for each step); then the real
// 300-stock CSI 300 panel in ../shared/data end to end (ingest, load, model), when it is there.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/data/store.js';
import { ingestStocks } from '../src/data/stocks/ingest.js';
import { styleExposures } from '../src/equity/exposures.js';
import { factorReturnSeries } from '../src/equity/factor-returns.js';
import { loadPanel } from '../src/equity/load.js';
import { fitFactorModel } from '../src/equity/model.js';
import { writeSynthEquityMarket } from '../src/synth/equity/index.js';

const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} stock-days/s`;
const since = (t: number): number => (performance.now() - t) / 1000;

export async function benchEquity(o: { stocks: number; keep?: string }, log: (line: string) => void): Promise<void> {
  const dir = o.keep || mkdtempSync(join(tmpdir(), 'bft-bench-equity-'));
  log(`bench: synthetic A-share market, ${o.stocks} stocks, 2020-01-02 .. 2024-12-31 (src/synth/equity), ${process.arch}, node ${process.version}`);
  let t = performance.now();
  const g = writeSynthEquityMarket({ stocks: o.stocks }, join(dir, 'files'));
  log(`generate  ${g.rows.daily.toLocaleString('en-US')} daily rows in ${since(t).toFixed(1)} s: ${rate(g.rows.daily, since(t))}`);
  const store = await Store.open(join(dir, 'bench.duckdb'));
  try {
    t = performance.now();
    const f = g.files;
    const s = await ingestStocks(store, { files: [f.daily, f.industry, f.fundamentals, f.securities, f.universe], index: 'SYNTH' });
    log(`ingest    ${s.files[0]!.rowsRead.toLocaleString('en-US')} daily rows and the reports in ${since(t).toFixed(1)} s: ${rate(s.files[0]!.rowsRead, since(t))} (${s.rejects.length} rejects)`);
    t = performance.now();
    const p = await loadPanel(store);
    const cells = p.dates.length * p.codes.length;
    log(`load      panel ${p.codes.length} x ${p.dates.length} in ${since(t).toFixed(1)} s: ${rate(cells, since(t))}`);
    t = performance.now();
    const e = styleExposures(p);
    const expoS = since(t);
    log(`exposures ${e.styles.length} styles in ${expoS.toFixed(1)} s: ${rate(cells, expoS)}`);
    t = performance.now();
    const r = factorReturnSeries(p, e.styles);
    const frS = since(t);
    log(`returns   daily WLS on ${r.factors.length} factors in ${frS.toFixed(1)} s: ${rate(cells, frS)}`);
    log(`model     exposures + factor returns: ${rate(cells, expoS + frS)}`);
  } finally {
    store.close();
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }

  const data = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');
  const daily = `${data}/ashare-hs300-baostock-daily/hs300_baostock_daily_2020-01-02_2025-04-07.csv.gz`;
  if (!existsSync(daily)) {
    log('real      ../shared/data not found: the real panel is skipped');
    return;
  }
  const real = await Store.open(':memory:');
  try {
    const start = performance.now();
    t = start;
    const meta = `${data}/ashare-hs300-baostock-meta`;
    await ingestStocks(real, { files: [daily, `${meta}/stock_industry_csrc_2025-10-20.csv`, `${meta}/roe_hs300.csv`, `${meta}/hs300_stocks_2026-02-26.csv`], index: 'CSI300' });
    const ingestS = since(t);
    t = performance.now();
    const p = await loadPanel(real, { index: 'CSI300' });
    const loadS = since(t);
    t = performance.now();
    fitFactorModel(p);
    const fitS = since(t);
    const cells = p.dates.length * p.codes.length;
    log(`real      CSI 300 panel (${p.codes.length} x ${p.dates.length}) end to end ${since(start).toFixed(1)} s: ingest ${ingestS.toFixed(1)} s, load ${loadS.toFixed(1)} s, model ${fitS.toFixed(1)} s (${rate(cells, fitS)})`);
  } finally {
    real.close();
  }
}
