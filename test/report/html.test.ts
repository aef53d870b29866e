// report.html as a reader sees it: opened in headless Chromium (Debian's, driven by
// playwright-core) with the network cut, every chart drawn, every table filled.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { escapeHtml, htmlTable, renderHtmlReport } from '../../src/report/html.js';
import type { RunInfo } from '../../src/report/sections.js';
import { fixtureEvaluation, fixturePlan } from '../helpers/evaluation.js';
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
  plan: fixturePlan(),
  command: 'bft walk-forward --config experiments/fixture/runs/20260101-000000/config.json',
};

/** A4 is 210 mm wide; less the 12 mm print margins of report.html, at 96 px per inch. */
const A4_PRINTABLE_PX = Math.floor(((210 - 2 * 12) / 25.4) * 96);
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

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

  it.skipIf(!haveChromium)('opens in Chromium with no request, draws every chart and fills every table', async () => {
    const file = join(tmp.dir, 'report.html');
    writeFileSync(file, html);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    // The network is cut: anything but the file itself is refused.
    await page.route(/^(?!file:)/, (r) => r.abort());
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
    expect(charts.map((c) => c.id)).toEqual(['rolling-accuracy', 'calibration', 'buckets', 'regimes', 'equity', 'underwater', 'rolling-sharpe', 'exposure', 'turnover', 'monthly', 'fold-timeline'].map((id) => `chart-${id}`));
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.paths, c.id).toBeGreaterThan(5);
    }
    const textOf = (id: string): string => charts.find((c) => c.id === `chart-${id}`)!.text;
    // The legends name the models and the benchmark, once each ("perfect", not "perfect: perfect").
    for (const name of ['perfect', 'coin', 'buy-and-hold', 'factors only']) expect(textOf('equity')).toContain(name);
    expect(textOf('underwater')).toContain('buy-and-hold');
    expect(textOf('underwater')).not.toContain('coin');
    expect(textOf('regimes')).toContain('drawdown');
    expect(textOf('regimes')).toContain('accuracy (95% interval)');
    expect(textOf('regimes')).not.toMatch(/accuracy, lo|lo, hi/);
    expect(textOf('calibration')).toContain('10 bins of 19-20 days');
    for (const m of ['Jan', 'Jun', 'Dec', '2020', '2021']) expect(textOf('monthly')).toContain(m);
    for (const k of ['train', 'validation', 'purged / embargoed', 'test', 'fold 3']) expect(textOf('fold-timeline')).toContain(k);

    // Every label on a time axis names its year.
    const timeLabels = await page.$$eval('g[aria-label*="time scale"]', (axes) => axes.map((a) => [...a.querySelectorAll('.role-axis-label text')].map((t) => t.textContent ?? '')));
    expect(timeLabels.length).toBeGreaterThanOrEqual(7);
    for (const labels of timeLabels) {
      expect(labels.length).toBeGreaterThan(1);
      for (const l of labels) expect(l).toMatch(/\b20\d\d\b/);
    }

    // Tables: every one has rows; the summary's key figures, per year, the drawdowns, the folds.
    const counts = await page.$$eval('table', (ts) => ts.map((t) => t.querySelectorAll('tbody tr').length));
    expect(counts.every((n) => n > 0)).toBe(true);
    const summary = await page.$$eval('section.summary table tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')?.textContent));
    expect(summary).toEqual(['perfect', 'buy-and-hold']);
    const tableAfter = (heading: string): Promise<string[][]> =>
      page.$$eval(
        'h2, h3',
        (hs, h) => {
          let el = hs.find((x) => x.textContent === h)?.nextElementSibling ?? null;
          while (el && el.tagName !== 'TABLE') el = el.nextElementSibling;
          return el ? [...el.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')) : [];
        },
        heading,
      );
    expect(await tableAfter('By year and month')).toHaveLength(e.years.length);
    expect((await tableAfter('Worst drawdowns of perfect')).length).toBe(e.drawdowns.length);
    const folds = await tableAfter('Each fold out of sample');
    expect(folds.map((r) => r[0])).toEqual(['0', '1', '2', '3']);
    expect((await tableAfter('Fold plan')).length).toBe(info.plan!.folds.length);
    expect(await tableAfter('Next-day move by predicted probability')).toHaveLength(15);

    // Nothing is wider than the page: at 1280 px on screen, and in print at A4's printable width.
    const overflow = async (): Promise<{ page: number; widest: number; width: number }> => {
      const doc = await page.$eval('html', (h) => ({ page: h.scrollWidth, width: h.clientWidth }));
      const widest = await page.$$eval('table, figure svg, pre', (els) => Math.max(...els.map((t) => t.getBoundingClientRect().right)));
      return { ...doc, widest };
    };
    const screen = await overflow();
    expect(screen.page).toBeLessThanOrEqual(1280);
    expect(screen.widest).toBeLessThanOrEqual(screen.width);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: A4_PRINTABLE_PX, height: 1100 });
    const print = await overflow();
    expect(print.page).toBeLessThanOrEqual(A4_PRINTABLE_PX);
    expect(print.widest).toBeLessThanOrEqual(A4_PRINTABLE_PX);

    // The A4 print, kept for a reader to look at (test-artifacts/ is not committed).
    mkdirSync(ARTIFACTS, { recursive: true });
    const pdf = await page.pdf({ path: join(ARTIFACTS, 'report.pdf'), format: 'A4' });
    writeFileSync(join(ARTIFACTS, 'report.html'), html);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // A page per section at least (the summary and the settings share the first).
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(7);
    await page.close();
  }, 120_000);
});
