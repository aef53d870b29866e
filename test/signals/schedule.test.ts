// When the desk retrains, and the production config that says so.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDeskConfig } from '../../src/signals/config.js';
import { periodOf, retrainDue, tradingDaysBetween } from '../../src/signals/schedule.js';
import { tempDir } from '../helpers/fixtures.js';

describe('retrain schedule', () => {
  it('periods: day, ISO week from Monday, month, quarter', () => {
    expect(periodOf('2025-05-19', 'day')).toBe('2025-05-19');
    expect(periodOf('2025-05-19', 'month')).toBe('2025-05');
    expect(periodOf('2025-05-19', 'quarter')).toBe('2025-Q2');
    // Monday 2025-05-19 .. Sunday 05-25 share a week; the Sunday before does not
    expect(periodOf('2025-05-23', 'week')).toBe(periodOf('2025-05-19', 'week'));
    expect(periodOf('2025-05-18', 'week')).not.toBe(periodOf('2025-05-19', 'week'));
  });

  it('counts trading days, holidays left out', () => {
    expect(tradingDaysBetween('2025-04-30', '2025-05-06')).toBe(1); // May Day: 05-01..05-05 closed
    expect(tradingDaysBetween('2025-05-16', '2025-05-19')).toBe(1);
    expect(tradingDaysBetween('2025-05-19', '2025-05-19')).toBe(0);
  });

  it('retrains when there is no model, when the period changes, or when the model is too old', () => {
    expect(retrainDue({ every: 'month' }, null, '2025-05-19')).toEqual({ due: true, reason: 'no model yet' });
    // trained through 05-15: made for 05-16, the same month as 05-19
    expect(retrainDue({ every: 'month' }, '2025-05-15', '2025-05-19').due).toBe(false);
    // trained through 04-29: made for 04-30 (April), so the first evening of May retrains
    const may = retrainDue({ every: 'month' }, '2025-04-29', '2025-05-06');
    expect(may).toEqual({ due: true, reason: 'retrain every month: the model was made for 2025-04-30, this is 2025-05-06' });
    expect(retrainDue({ every: 'quarter' }, '2025-04-29', '2025-05-06').due).toBe(false);
    expect(retrainDue({ every: 'day' }, '2025-05-15', '2025-05-16').due).toBe(false);
    expect(retrainDue({ every: 'day' }, '2025-05-15', '2025-05-19').due).toBe(true);
    expect(retrainDue({ every: 'never' }, '2020-01-02', '2025-05-19').due).toBe(false);
    const old = retrainDue({ every: 'never', maxAgeDays: 20 }, '2025-04-01', '2025-05-19');
    expect(old.due).toBe(true);
    expect(old.reason).toMatch(/^the model's last sample is \d+ trading days old \(2025-04-01; at most 20\)$/);
  });
});

describe('desk config', () => {
  const tmp = tempDir('bft-desk-');
  afterAll(() => tmp.cleanup());
  const experiments = join(tmp.dir, 'experiments');
  mkdirSync(experiments);
  writeFileSync(join(experiments, 't.json'), JSON.stringify({ dataset: { product: 'T' }, model: { preset: 'dual-gru' } }));
  writeFileSync(join(experiments, 'ts.json'), JSON.stringify({ dataset: { product: 'TS' }, model: { preset: 'daily-gru' } }));
  writeFileSync(join(experiments, 'tl.json'), JSON.stringify({ dataset: { product: 'TL' }, models: [{ preset: 'dual-gru' }, { preset: 'daily-gru', units: 8, label: 'small' }] }));
  const write = (name: string, body: unknown): string => {
    mkdirSync(join(tmp.dir, 'signals'), { recursive: true });
    const path = join(tmp.dir, 'signals', name);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };

  it('reads products with their experiments, defaults and paths relative to the file', () => {
    const c = readDeskConfig(write('desk.json', { products: { TS: { experiment: '../experiments/ts.json', retrain: { every: 'week' } }, T: { experiment: '../experiments/t.json', trainDays: 750 } } }));
    expect(c.name).toBe('desk');
    expect(c.modelsDir).toBe(join(tmp.dir, 'models'));
    expect([c.budgetCny, c.volDays]).toEqual([100_000, 20]);
    expect(c.products.map((p) => [p.product, p.experiment.name, p.trainDays, p.retrain.every])).toEqual([
      ['TS', 'ts', undefined, 'week'],
      ['T', 't', 750, 'month'],
    ]);
  });

  it('the model: the experiment\'s first of `models` unless the product names one, else its `model`', () => {
    const first = readDeskConfig(write('m1.json', { products: { TL: { experiment: '../experiments/tl.json' }, TS: { experiment: '../experiments/ts.json' } } }));
    expect(first.products.map((p) => p.experiment.model.preset)).toEqual(['daily-gru', 'dual-gru']);
    const named = readDeskConfig(write('m2.json', { products: { TL: { experiment: '../experiments/tl.json', model: 'small' } } }));
    expect(named.products[0]!.experiment.model).toMatchObject({ preset: 'daily-gru', units: 8 });
    expect(() => readDeskConfig(write('m3.json', { products: { TL: { experiment: '../experiments/tl.json', model: 'big' } } }))).toThrow(/m3\.json: products\.TL\.model: big is not a model of \.\.\/experiments\/tl\.json \(it has dual-gru, small\)/);
  });

  it('refuses in one line naming the field: no products, a bad schedule, an experiment of another product, a missing file', () => {
    expect(() => readDeskConfig(write('a.json', { products: {} }))).toThrow(/a\.json: products: name at least one product/);
    expect(() => readDeskConfig(write('b.json', { products: { T: { experiment: '../experiments/t.json', retrain: { every: 'fortnight' } } } }))).toThrow(/b\.json: products\.T\.retrain\.every: /);
    expect(() => readDeskConfig(write('c.json', { products: { TF: { experiment: '../experiments/t.json' } } }))).toThrow(/c\.json: products\.TF\.experiment: \.\.\/experiments\/t\.json times T, not TF/);
    expect(() => readDeskConfig(write('d.json', { products: { T: { experiment: 'nope.json' } } }))).toThrow(/nope\.json: no such file/);
    expect(() => readDeskConfig(write('e.json', '{ not json'))).toThrow(/e\.json: /);
    expect(() => readDeskConfig(write('f.json', { products: { T: { experiment: '../experiments/t.json' } }, budget: 1 }))).toThrow(/f\.json: \(top level\): /);
  });
});
