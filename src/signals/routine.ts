// The evening routine for a cron job: the day's vendor files into the store, then the desk's
// evening (retrain when due, signal, keep). Files are found by where they lie:
//   DIR/daily/*                 daily bars (any layout bft ingest daily reads)
//   DIR/minute/*                intraday bars whose rows name their contract
//   DIR/minute/<PRODUCT>/*      a product's main-contract intraday file without a contract column
// Each group is one ingest, so a bad file leaves the store as it was and the evening is not run.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { continuousKeysFor, refreshContinuous } from '../data/continuous.js';
import { ingest, type IngestSummary } from '../data/ingest/index.js';
import type { Store } from '../data/store.js';
import { BftError } from '../errors.js';
import { isProduct, type Product } from '../market/specs.js';
import type { DeskConfig } from './config.js';
import { runEvening, type EveningOptions, type ProductEvening } from './desk.js';

export interface VendorFiles {
  readonly daily: readonly string[];
  readonly minute: readonly { readonly product: Product | undefined; readonly files: readonly string[] }[];
}

const filesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isFile())
        .sort()
        .map((f) => join(dir, f))
    : [];

/** The vendor files of an evening folder, by the layout above; a folder with none is refused. */
export function vendorFiles(dir: string): VendorFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BftError('bad_config', `--files ${dir}: no such folder`, { file: dir });
  const minuteDir = join(dir, 'minute');
  const perProduct = existsSync(minuteDir)
    ? readdirSync(minuteDir)
        .filter((f) => statSync(join(minuteDir, f)).isDirectory())
        .sort()
        .map((p) => {
          if (!isProduct(p)) throw new BftError('bad_config', `--files ${dir}: minute/${p} is not a product folder (TS, TF, T or TL)`, { file: dir });
          return { product: p, files: filesIn(join(minuteDir, p)) };
        })
    : [];
  const minute = [{ product: undefined, files: filesIn(minuteDir) }, ...perProduct].filter((g) => g.files.length > 0);
  const daily = filesIn(join(dir, 'daily'));
  if (daily.length === 0 && minute.length === 0) throw new BftError('no_data', `--files ${dir}: no vendor files in daily/, minute/ or minute/<PRODUCT>/`, { file: dir });
  return { daily, minute };
}

export interface RoutineResult {
  readonly ingests: readonly IngestSummary[];
  readonly evening: readonly ProductEvening[];
}

/** Ingests the folder's files (daily first, so the intraday files' contracts can be matched), then runs the evening. */
export async function runRoutine(store: Store, config: DeskConfig, dir: string, opts: EveningOptions = {}): Promise<RoutineResult> {
  const files = vendorFiles(dir);
  const ingests: IngestSummary[] = [];
  if (files.daily.length > 0) {
    opts.log?.(`ingest daily: ${files.daily.length} file(s)`);
    const daily = await ingest(store, { kind: 'daily', files: files.daily });
    ingests.push(daily);
    // As bft ingest daily does: the stored continuous series follow the new bars.
    if (daily.inserted + daily.updated > 0) await refreshContinuous(store, await continuousKeysFor(store, daily.products));
  }
  for (const g of files.minute) {
    opts.log?.(`ingest minute${g.product ? ` (${g.product})` : ''}: ${g.files.length} file(s)`);
    ingests.push(await ingest(store, { kind: 'minute', files: g.files, product: g.product }));
  }
  return { ingests, evening: await runEvening(store, config, opts) };
}
