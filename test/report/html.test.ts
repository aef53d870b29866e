// report.html as a reader sees it: opened in headless Chromium (Debian's, driven by
// playwright-core) with the network cut, every chart drawn, every table filled.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { escapeHtml, htmlTable, renderHtmlReport } from '../../src/report/html.js';
import type { RunInfo } from '../../src/report/sections.js';
import { fixtureEvaluation } from '../helpers/evaluation.js';
import { tempDir } from '../helpers/fixtures.js';

const CHROMIUM = process.env['BFT_CHROMIUM'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`report.html browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);

const info: RunInfo = {
  runId: '20260101-000000',
  experiment: 'fixture <&>',
  folds: 4,
  planLines: ['4 folds, expanding training', 'fold 0 ...'],
  settings: ['models: perfect, coin, long'],
};

describe('report.html', () => {
  const e = fixtureEvaluation();
  let html = '';
  const tmp = tempDir('bft-html-');
  let browser: Browser | null = null;
  beforeAll(async () => {
    html = await renderHtmlReport(info, e);
    if (haveChromium) {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  it('is one self-contained file: no script, no stylesheet or image link, text escaped', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe/i);
    // Every URL in the page is an XML namespace, not something to fetch.
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(urls.filter((u) => !u.startsWith('http://www.w3.org/'))).toEqual([]);
    expect(html).toContain('fixture &lt;&amp;&gt;');
    expect(escapeHtml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
    expect(htmlTable({ head: ['a', 'b'], rows: [['1', '<2>']] })).toContain('<td>&lt;2&gt;</td>');
  });

  it.skipIf(!haveChromium)('opens in Chromium with no request, draws five charts and fills every table', async () => {
    const file = join(tmp.dir, 'report.html');
    writeFileSync(file, html);
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`file://${file}`);
    expect(requests).toEqual([`file://${file}`]);
    expect(errors).toEqual([]);
    expect(await page.title()).toBe('Walk-forward run 20260101-000000 (fixture <&>)');

    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, paths: svg?.querySelectorAll('path').length ?? 0, text: svg?.textContent ?? '' };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['chart-rolling-accuracy', 'chart-calibration', 'chart-regimes', 'chart-equity', 'chart-drawdown']);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(200);
      expect(c.paths, c.id).toBeGreaterThan(5);
    }
    // The legends name the models and the benchmark.
    const equity = charts.find((c) => c.id === 'chart-equity')!;
    for (const name of ['perfect', 'coin', 'buy-and-hold', 'factors only']) expect(equity.text).toContain(name);
    expect(charts.find((c) => c.id === 'chart-regimes')!.text).toContain('drawdown');

    // Tables: classification (3 models + always-long), per class, comparisons, 3 regime tables, strategies, gap.
    const rows = await page.$$eval('table', (ts) => ts.map((t) => t.querySelectorAll('tbody tr').length));
    expect(rows).toEqual([4, 3, 2, 4, 4, 4, e.strategies.length, 1]);
    // "long" always says up: all of its calls are up calls, every up day is found.
    const longRow = await page.$$eval('table:nth-of-type(2) tbody tr:nth-child(3) td', (tds) => tds.map((td) => td.textContent));
    expect(longRow.slice(0, 2)).toEqual(['long', String(e.days)]);
    expect(longRow[3]).toBe('1.000');
    const firstRow = await page.$$eval('table:first-of-type tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    expect(firstRow[0]).toBe('perfect');
    expect(firstRow[2]).toMatch(/^1\.000 \[/);
    await page.close();
  }, 60_000);
});
