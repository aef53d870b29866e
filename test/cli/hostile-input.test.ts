// Crafted bad input through the real CLI, as a hostile new user would type it. Every case must
// end in its documented exit code with exactly one line on stderr, nothing on stdout, no stack
// trace, and the store byte-identical before and after (or, where the command named a store
// that did not exist, no store and no folder created).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bft, MAIN, ROOT } from '../helpers/cli.js';
import { dailyCsv, dailyRows, tempDir, writeLines } from '../helpers/fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let db: string;

const sha = (p: string): string => createHash('sha1').update(readFileSync(p)).digest('hex');

beforeAll(() => {
  tmp = tempDir('bft-hostile-');
  db = join(tmp.dir, 'store.duckdb');
  const r = bft(['ingest', 'daily', writeLines(tmp.dir, 'bars.csv', dailyCsv(dailyRows())), '--db', db, '--quiet']);
  expect(r.code, r.err).toBe(0);
}, 60_000);
afterAll(() => tmp.cleanup());

interface Case {
  readonly name: string;
  /** The arguments; `$DB` is the shared store, `$TMP` the test's folder. */
  readonly args: readonly string[];
  readonly code: number;
  /** What the one line on stderr must say. */
  readonly says: RegExp;
  /** Paths (under $TMP) that must not exist afterwards. */
  readonly creates?: readonly string[];
  /** Files to write first, relative to $TMP. */
  readonly files?: Readonly<Record<string, string | Buffer>>;
}

function config(over: Record<string, unknown>): string {
  const base = JSON.parse(readFileSync(join(__dirname, '../../experiments/synth-walk-forward.json'), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...base, ...over });
}

const CASES: readonly Case[] = [
  // dates: one check for options and configs alike
  { name: 'an impossible --from on predict', args: ['predict', '--model', 'm', '--from', '2020-02-30', '--db', '$DB'], code: 2, says: /--from 2020-02-30: no such date/ },
  { name: 'an impossible --to on train', args: ['train', '--config', 'experiments/synth-walk-forward.json', '--to', '2021-13-01', '--db', '$DB'], code: 2, says: /--to 2021-13-01: no month 13/ },
  { name: 'an impossible --from on synth, into a new store', args: ['synth', '--from', '2020-02-30', '--db', '$TMP/new/synth.duckdb'], code: 2, says: /--from 2020-02-30: no such date/, creates: ['new'] },
  {
    name: 'an impossible date in a walk-forward config',
    args: ['walk-forward', '--config', '$TMP/bad-date.json', '--plan', '--db', '$DB'],
    files: { 'bad-date.json': JSON.stringify({ walkForward: { firstTest: '2021-02-29' } }) },
    code: 2,
    says: /walkForward\.firstTest: 2021-02-29: no such date/,
  },
  // configs and names
  {
    name: 'an unknown preset in a walk-forward --plan',
    args: ['walk-forward', '--config', '$TMP/preset.json', '--plan', '--db', '$DB'],
    files: { 'preset.json': config({ models: [{ preset: 'dual-gru' }, { preset: 'nope-lstm' }] }) },
    code: 2,
    says: /models\.1\.preset: unknown model preset "nope-lstm"/,
  },
  {
    name: 'an experiment named ".."',
    args: ['walk-forward', '--config', '$TMP/dots.json', '--experiments', '$TMP/exp/inner', '--db', '$DB'],
    files: { 'dots.json': config({ name: '..' }) },
    code: 2,
    says: /name: "\.\." is not one folder name/,
    creates: ['exp'],
  },
  // counts and shares
  { name: '--workers 0 on walk-forward', args: ['walk-forward', '--config', 'experiments/synth-walk-forward.json', '--workers', '0', '--db', '$DB'], code: 2, says: /--workers 0: expected a whole number of at least 1/ },
  { name: '--workers -3 on demo, into a new store', args: ['demo', '--workers', '-3', '--db', '$TMP/demo.duckdb'], code: 2, says: /--workers -3: expected a whole number of at least 1/, creates: ['demo.duckdb'] },
  { name: '--workers 1.5 on overfit-check', args: ['overfit-check', '--run', 'x', '--workers', '1.5', '--db', '$DB'], code: 2, says: /--workers 1\.5: expected a whole number/ },
  { name: '--max-reject-share abc', args: ['ingest', 'daily', '$TMP/bars.csv', '--max-reject-share', 'abc', '--db', '$DB'], code: 2, says: /--max-reject-share "abc": expected a number/ },
  { name: '--max-reject-share 1.5', args: ['ingest', 'daily', '$TMP/bars.csv', '--max-reject-share', '1.5', '--db', '$DB'], code: 2, says: /--max-reject-share 1\.5: expected a number from 0 to 1/ },
  { name: '--seed abc on synth', args: ['synth', '--seed', 'abc', '--db', '$TMP/seed.duckdb'], code: 2, says: /--seed "abc": expected a number/, creates: ['seed.duckdb'] },
  // files and folders
  { name: 'predict --csv into a folder that does not exist', args: ['predict', '--model', 'm', '--csv', '$TMP/no/such/dir/p.csv', '--db', '$DB'], code: 2, says: /--csv .*: the folder .*no\/such\/dir does not exist/ },
  { name: 'predict --csv naming a folder', args: ['predict', '--model', 'm', '--csv', '$TMP', '--db', '$DB'], code: 2, says: /--csv .*: is a folder/ },
  { name: 'an ingest of a missing file into a new store', args: ['ingest', 'daily', '$TMP/nope.csv', '--db', '$TMP/fresh/x.duckdb'], code: 2, says: /nope\.csv: no such file or not readable/, creates: ['fresh'] },
  // files the ingest must refuse whole, leaving the store as it was
  { name: 'a header-only CSV', args: ['ingest', 'daily', '$TMP/header.csv', '--db', '$DB'], files: { 'header.csv': `${dailyCsv([])[0]}\n` }, code: 2, says: /header\.csv: no data rows/ },
  {
    name: 'a GBK-encoded CSV',
    args: ['ingest', 'daily', '$TMP/gbk.csv', '--db', '$DB'],
    // 代码,日期,收盘价 in GB18030, then one row
    files: { 'gbk.csv': Buffer.concat([Buffer.from('b4fac2eb2cc8d5c6da2ccad5c5ccbcdb', 'hex'), Buffer.from('\nT2503,20250102,108.5\n')]) },
    code: 2,
    says: /gbk\.csv: not UTF-8 text .*iconv -f GB18030/,
  },
  {
    name: 'bars from 2099',
    args: ['ingest', 'daily', '$TMP/future.csv', '--db', '$DB'],
    files: { 'future.csv': [dailyCsv([])[0], 'T9903,2099-01-05,108.5,108.6,108.4,108.5,108.5,108.5,10,10850000,100', 'T9906,2099-01-06,108.5,108.6,108.4,108.5,108.5,108.5,10,10850000,100'].join('\n') },
    code: 2,
    says: /2 of 2 rows rejected.*2099-01-05 is in the future/,
  },
  {
    name: 'a changed close without --replace',
    args: ['ingest', 'daily', '$TMP/changed.csv', '--db', '$DB'],
    files: { 'changed.csv': dailyCsv(dailyRows().map((r) => ({ ...r, close: Number(r.close) + 0.005 }))).join('\n') },
    code: 2,
    says: /15 of 15 rows rejected.*close: .* differs from the stored .*--replace/,
  },
  // the store
  { name: 'data status of a mistyped store path', args: ['data', 'status', '--db', '$TMP/typo/bft.duckdb'], code: 2, says: /no store at .*typo\/bft\.duckdb/, creates: ['typo'] },
  { name: 'continuous on a mistyped store path', args: ['continuous', '--db', '$TMP/typo3/bft.duckdb'], code: 2, says: /no store at .*typo3\/bft\.duckdb/, creates: ['typo3'] },
  { name: 'walk-forward on a mistyped store path', args: ['walk-forward', '--config', 'experiments/synth-walk-forward.json', '--db', '$TMP/typo4.duckdb'], code: 2, says: /no store at .*typo4\.duckdb/, creates: ['typo4.duckdb'] },
  { name: 'runs list of a mistyped store path', args: ['runs', 'list', '--db', '$TMP/typo2.duckdb'], code: 2, says: /no store at .*typo2\.duckdb/, creates: ['typo2.duckdb'] },
  { name: 'data status of a half-truncated store', args: ['data', 'status', '--db', '$TMP/cut.duckdb'], code: 3, says: /cut\.duckdb.*Could not read enough bytes/ },
  { name: 'an ingest into a half-truncated store', args: ['ingest', 'daily', '$TMP/bars.csv', '--db', '$TMP/cut.duckdb'], code: 3, says: /cut\.duckdb.*Could not read enough bytes/ },
  { name: 'a file that is not a store', args: ['data', 'status', '--db', '$TMP/bars.csv'], code: 3, says: /cannot open store .*bars\.csv/ },
  // usage
  { name: 'an unknown option on a nested command', args: ['data', 'status', '--bogus', '--db', '$DB'], code: 2, says: /Unknown argument: bogus/ },
  { name: 'an unknown command', args: ['injest', '--db', '$DB'], code: 2, says: /Did you mean ingest\?/ },
  { name: 'overfit-check with neither --config nor --run', args: ['overfit-check', '--db', '$DB'], code: 2, says: /give --config FILE or --run RUN/ },
];

describe('bft refuses hostile input in one line, changing nothing', () => {
  beforeAll(() => {
    // a store file cut in half, as a full disk or a killed copy leaves it
    copyFileSync(db, join(tmp.dir, 'cut.duckdb'));
    truncateSync(join(tmp.dir, 'cut.duckdb'), Math.floor(statSync(db).size / 2));
  });

  for (const c of CASES) {
    it(`${c.name}: exit ${c.code}`, () => {
      for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(tmp.dir, name), text);
      const before = sha(db);
      const cut = sha(join(tmp.dir, 'cut.duckdb'));
      const r = bft(c.args.map((a) => a.replace('$DB', db).replace('$TMP', tmp.dir)));
      expect(r.code, r.err).toBe(c.code);
      const lines = r.err.split('\n').filter((l) => l.length > 0);
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(/^bft: /);
      expect(lines[0]).toMatch(c.says);
      expect(r.err).not.toMatch(/\n\s+at |internal error/);
      expect(r.out).toBe('');
      expect(sha(db)).toBe(before);
      expect(sha(join(tmp.dir, 'cut.duckdb'))).toBe(cut);
      for (const p of c.creates ?? []) expect(existsSync(join(tmp.dir, p)), p).toBe(false);
    }, 60_000);
  }
});

describe('a reader that closes the pipe early', () => {
  for (const args of [['data', 'status'], ['data', 'status', '--json']]) {
    it(`ends bft ${args.join(' ')} quietly: exit 0, nothing on stderr`, async () => {
      // The read end is closed before bft writes a byte, so every write meets EPIPE, as with
      // `bft data status | head -n 1` at its worst.
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args, '--db', db], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      expect(err).toBe('');
      expect(code).toBe(0);
    }, 60_000);
  }
});
