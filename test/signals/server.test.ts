// bft serve's API and desk page, from a real HTTP client against a real server on loopback, over a
// store file with signals made by the desk's own evening; the page opened in headless Chromium.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/data/index.js';
import { createRun, setRunStatus } from '../../src/eval/run/runs.js';
import { historySchema, latestSchema, runDetailSchema, runsSchema } from '../../src/signals/api.js';
import { resolveDeskConfig } from '../../src/signals/config.js';
import { runEvening } from '../../src/signals/desk.js';
import { buildServer } from '../../src/signals/server.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { synthStore } from '../helpers/market.js';

const CHROMIUM = process.env['BFT_CHROMIUM'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const EVENINGS = ['2019-06-03', '2019-06-04', '2019-06-05', '2019-06-06'];

let tmp: ReturnType<typeof tempDir>;
let db: string;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  tmp = tempDir('bft-serve-');
  db = join(tmp.dir, 'store.duckdb');
  const store = await synthStore({}, db);
  mkdirSync(join(tmp.dir, 'experiments'));
  const train = { validationDays: 30, epochs: 2, batchSize: 32, patience: 2 };
  for (const p of ['TF', 'T']) {
    writeFileSync(join(tmp.dir, 'experiments', `${p}.json`), JSON.stringify({ seed: 3, backend: 'wasm', dataset: { product: p, dailyFeatures: ['ret_1', 'range'] }, model: { preset: 'daily-gru', units: 8, head: [8] }, train }));
  }
  const desk = resolveDeskConfig({ models: 'models', products: { TF: { experiment: 'experiments/TF.json' }, T: { experiment: 'experiments/T.json' } } }, join(tmp.dir, 'desk.json'));
  for (const asOf of EVENINGS) await runEvening(store, desk, { asOf });
  await createRun(store, { runId: '20190607-000000', experiment: 'desk-check', configJson: '{"seed":3}', planJson: '{"folds":[]}', commit: 'abc', dir: join(tmp.dir, 'run'), jobs: 2 });
  await setRunStatus(store, '20190607-000000', 'finished', JSON.stringify({ accuracy: { 'daily-gru': { estimate: 0.53, lo: 0.5, hi: 0.56 } }, days: 250, from: '2018-06-01', to: '2019-06-01' }));
  store.close();
  app = buildServer({ db, version: 'test' });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  tmp?.cleanup();
});

const get = async (path: string): Promise<{ status: number; body: unknown; type: string }> => {
  const r = await fetch(`${base}${path}`);
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, body: type.startsWith('application/json') ? await r.json() : await r.text(), type };
};

describe('bft serve', () => {
  it('binds loopback and answers every route with its documented shape', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { ok: true, store: db, signals: 8, runs: 1 } });

    const latest = latestSchema.parse((await get('/signals/latest')).body);
    expect(latest.signals.map((s) => [s.signal.product, s.signal.asOf, s.signal.forDate])).toEqual([
      ['TF', '2019-06-06', '2019-06-10'],
      ['T', '2019-06-06', '2019-06-10'],
    ]);
    expect(latestSchema.parse((await get('/signals/latest?product=T')).body).signals).toHaveLength(1);

    const h = historySchema.parse((await get('/signals?product=T&from=2019-06-04&to=2019-06-05')).body);
    expect(h.rows.map((r) => r.asOf)).toEqual(['2019-06-04', '2019-06-05']);
    expect(h.rows.every((r) => r.moveTicks !== null)).toBe(true);
    expect(h.record).toMatchObject([{ product: 'T', signals: 2 }]);

    const runs = runsSchema.parse((await get('/runs')).body);
    expect(runs.runs.map((r) => [r.runId, r.status])).toEqual([['20190607-000000', 'finished']]);
    const run = runDetailSchema.parse((await get('/runs/20190607-000000')).body);
    expect(run).toMatchObject({ experiment: 'desk-check', config: { seed: 3 }, commit: 'abc', jobs: 2 });

    const spec = (await get('/openapi.json')).body as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(['/healthz', '/signals/latest', '/signals', '/runs', '/runs/{id}']);
  });

  it('rejects bad query strings with a 400 naming the field, and unknown things with a 404', async () => {
    const cases: [string, number, RegExp][] = [
      ['/signals?product=XX', 400, /^product: /],
      ['/signals?from=2019-13-45', 400, /^from: 2019-13-45: /],
      ['/signals?from=2019-06-05&to=2019-06-01', 400, /^from: from is after to$/],
      ['/signals?since=2019-01-01', 400, /^unknown query parameter since$/],
      ['/signals/latest?product=T&product=TF', 400, /^product: /],
      ['/runs?experiment=', 400, /^experiment: /],
      ['/runs/..%2F..%2Fetc', 400, /is not a run id/],
      ['/runs/20000101-000000', 404, /^no run 20000101-000000/],
      ['/nothing', 404, /^no route GET \/nothing/],
    ];
    for (const [path, status, message] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect((r.body as { error: string }).error, path).toMatch(message);
    }
  });

  it('holds no lock between requests: another process may write the store, and the next request sees it', async () => {
    const writer = await Store.open(db, { mode: 'write', lockWaitMs: 1000 });
    await writer.run(`DELETE FROM signals WHERE product = 'TF' AND as_of = DATE '2019-06-06'`);
    writer.close();
    const latest = latestSchema.parse((await get('/signals/latest?product=TF')).body);
    expect(latest.signals[0]!.signal.asOf).toBe('2019-06-05');
  });

  it.skipIf(!haveChromium)('the desk page renders in Chromium with the signals in the DOM and fetches nothing else', async () => {
    let browser: Browser | null = null;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/`);
      expect(requests).toEqual([`${base}/`]);
      expect(errors).toEqual([]);
      expect(await page.title()).toBe('bft desk');
      const rows = await page.$$eval('#signals tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-product'), tr.querySelector('.side')?.textContent ?? '']));
      expect(rows.map((r) => r[0])).toEqual(['TF', 'T']);
      expect(rows.every((r) => ['long', 'short', 'flat'].includes(r[1]!))).toBe(true);
      expect(await page.$$eval('#pnl-chart polyline', (ls) => ls.length)).toBe(2);
      expect(await page.$$eval('#record tbody tr', (trs) => trs.length)).toBe(2);
      expect(await page.textContent('#run')).toContain('0.530');
      const shots = join(ROOT, 'test-artifacts');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'desk-page.png'), fullPage: true });
      expect(existsSync(join(shots, 'desk-page.png'))).toBe(true);
    } finally {
      await browser?.close();
    }
  }, 60_000);
});
