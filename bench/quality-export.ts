// What npm run bench:quality hands the PyTorch peer (bench/quality_peer.py): the raw bars it
// computes its own features from, bft's labels and bft's fold plan, one row per sample of bft's
// dataset (row k is sample k, the index space of the plan). Written as .npy arrays (numpy reads
// them with np.load) and JSON:
//   samples.json  product, run id, sample dates, contracts, the arrays' shapes and fields
//   daily.npy     float64 [n, 21, 5]: open, high, low, close, volume of the traded contract's own
//                 daily bars, the 21 trading days up to and including t (NaN where it had none)
//   minute.npy    float32 [n, T, 5]: open, high, low, close, volume of day t's bars of the
//                 contract the dataset's minute channel uses, on the session grid (NaN: no bar)
//   label.npy     int8 [n]: bft's label (1 up, 0 down; -1 not known yet)
//   folds.json    per fold the train, validation and test sample indices, and the run's plan
// Nothing here is fitted: the peer scales its features by fixed constants.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDailyBars, type Store } from '../src/data/index.js';
import type { Dataset, MarketData } from '../src/dataset/index.js';
import { minuteGrid } from '../src/dataset/build.js';
import { isoDate } from '../src/market/calendar.js';
import type { Product } from '../src/market/specs.js';
import { segmentIndices, type FoldPlan } from '../src/eval/plan/folds.js';

/** Daily bars per sample: t and the 20 days before it (20 returns need 21 closes). */
export const DAILY_DAYS = 21;
const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

type NpyArray = Float64Array | Float32Array | Int8Array;

/** A .npy file (format 1.0, little-endian, C order): what numpy.load reads. */
export function writeNpy(path: string, data: NpyArray, shape: readonly number[]): void {
  const descr = data instanceof Float64Array ? '<f8' : data instanceof Float32Array ? '<f4' : '|i1';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces to 64 bytes, ending in \n
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

export interface ExportedFold {
  readonly index: number;
  readonly train: number[];
  readonly validation: number[];
  readonly test: number[];
}

export interface PeerExport {
  readonly dir: string;
  readonly n: number;
  readonly bars: number;
  readonly folds: readonly ExportedFold[];
  /** Counts worth a look: samples whose traded contract has under 21 days of bars, bars off the grid, samples without intraday bars. */
  readonly notes: Record<string, number>;
}

/** Each contract's daily bars in date order. */
async function barsByContract(store: Store, product: Product): Promise<Map<string, { date: string[]; rows: Float64Array[] }>> {
  const out = new Map<string, { date: string[]; rows: Float64Array[] }>();
  for (const b of await loadDailyBars(store, product)) {
    let c = out.get(b.contract);
    if (!c) out.set(b.contract, (c = { date: [], rows: [] }));
    c.date.push(b.date);
    c.rows.push(Float64Array.from(BAR_FIELDS, (f) => b[f] ?? Number.NaN));
  }
  return out;
}

/** Last index of a sorted ISO date list at or before `date`, -1 when none. */
function atOrBefore(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Writes the peer's inputs for every sample of `ds` and the folds of `plan` into `dir`. `market`
 * is what the dataset was built from (its minute map holds day t's bars of the dataset's contract).
 */
export async function exportForPeer(store: Store, ds: Dataset, market: MarketData, plan: FoldPlan, runId: string, dir: string): Promise<PeerExport> {
  const s = ds.samples;
  const n = s.n;
  const F = BAR_FIELDS.length;

  // Daily: the traded contract (main at t+1, chosen at the close of t), its own bars up to t.
  const byContract = await barsByContract(store, ds.product);
  const daily = new Float64Array(n * DAILY_DAYS * F).fill(Number.NaN);
  let shortHistory = 0;
  for (let k = 0; k < n; k++) {
    const date = isoDate(s.date[k]!);
    const c = byContract.get(s.tradedContract[k] ?? s.contract[k]!);
    const last = c ? atOrBefore(c.date, date) : -1;
    if (last < DAILY_DAYS - 1) shortHistory++;
    for (let j = 0; j < DAILY_DAYS; j++) {
      const i = last - (DAILY_DAYS - 1) + j;
      if (i < 0) continue;
      daily.set(c!.rows[i]!, (k * DAILY_DAYS + j) * F);
    }
  }

  // Minute: day t's bars of the dataset's contract, laid on the session grid by end stamp; none
  // (all NaN) where bft's minute channel is masked for the sample (missingMinute 'mask').
  if (ds.intervalMin === null) throw new Error('bench:quality: the experiment has no minute channel (a daily-only dataset); the peer needs one');
  const grid = minuteGrid(ds.product, ds.intervalMin);
  const T = grid.length;
  const slotOf = new Map(Array.from(grid, (m, i) => [m, i]));
  const minute = new Float32Array(n * T * F).fill(Number.NaN);
  let offGrid = 0;
  let masked = 0;
  for (let k = 0; k < n; k++) {
    const day = market.minute.get(s.date[k]!);
    if (!day || s.hasMinute[k] !== 1) {
      if (s.hasMinute[k] !== 1) masked++;
      continue;
    }
    if (day.contract !== s.contract[k]) throw new Error(`bench:quality: minute bars of ${isoDate(s.date[k]!)} are of ${day.contract}, the dataset's sample uses ${s.contract[k]}`);
    const b = day.bars;
    for (let r = 0; r < b.end.length; r++) {
      const slot = slotOf.get(b.end[r]!);
      if (slot === undefined) {
        offGrid++;
        continue;
      }
      const at = (k * T + slot) * F;
      minute[at] = b.open[r]!;
      minute[at + 1] = b.high[r]!;
      minute[at + 2] = b.low[r]!;
      minute[at + 3] = b.close[r]!;
      minute[at + 4] = b.volume[r]!;
    }
  }

  const label = Int8Array.from(s.label);
  const folds: ExportedFold[] = plan.folds.map((f) => ({
    index: f.index,
    train: Array.from(segmentIndices(f.train)),
    validation: Array.from(segmentIndices(f.validation)),
    test: Array.from(segmentIndices(f.test)),
  }));
  const notes = { samplesWithShortDailyHistory: shortHistory, minuteBarsOffGrid: offGrid, samplesWithoutMinuteBars: masked };
  writeNpy(join(dir, 'daily.npy'), daily, [n, DAILY_DAYS, F]);
  writeNpy(join(dir, 'minute.npy'), minute, [n, T, F]);
  writeNpy(join(dir, 'label.npy'), label, [n]);
  const c = plan.config;
  writeFileSync(
    join(dir, 'folds.json'),
    JSON.stringify({ scheme: c.scheme, purgeDays: c.purgeDays, embargoDays: c.embargoDays, horizon: plan.horizon, folds, plan }) + '\n',
  );
  writeFileSync(
    join(dir, 'samples.json'),
    JSON.stringify(
      {
        product: ds.product,
        runId,
        n,
        intervalMin: ds.intervalMin,
        bars: T,
        grid: Array.from(grid),
        daily: { file: 'daily.npy', shape: [n, DAILY_DAYS, F], fields: BAR_FIELDS, what: "the traded contract's own daily bars, the 21 trading days up to t" },
        minute: { file: 'minute.npy', shape: [n, T, F], fields: BAR_FIELDS, what: "day t's bars of the dataset's contract on the session grid (end stamps in grid, minutes after midnight)" },
        label: { file: 'label.npy', shape: [n], what: 'next-day direction: 1 up, 0 down, -1 unknown' },
        notes,
        date: Array.from(s.date, isoDate),
        contract: s.contract,
        tradedContract: s.tradedContract,
      },
      null,
      1,
    ) + '\n',
  );
  return { dir, n, bars: T, folds, notes };
}
