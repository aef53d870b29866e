// A bad argument never runs the command: an unknown option, a missing required option or
// positional, an impossible date or an option given without a value ends in exit 2, one line on
// stderr, nothing on stdout. Every case names a store that does not exist: a handler that started
// would create it (ingest, synth, demo) or say "no store at" instead of the usage line, so the
// message and the missing file show that the handler never ran.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bftAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

interface Case {
  readonly name: string;
  /** `$DB` is a store path that does not exist. */
  readonly args: readonly string[];
  readonly says: RegExp;
}

const UNKNOWN = /^bft: Unknown argument: bogus \(see --help\)$/;
const BAD_DATE = /^bft: --from 2025-13-45: no month 13 \(see --help\)$/;
const MISSING = (what: string): RegExp => new RegExp(`^bft: Missing required argument: ${what} \\(see --help\\)$`);
const TOO_FEW = /^bft: Not enough non-option arguments: got \d, need at least \d \(see --help\)$/;

// A case per command (two for train and predict), the kinds spread over them; data status and more
// dates and counts are in test/cli/hostile-input.test.ts. Each case is a process of a second or so.
const CASES: readonly Case[] = [
  { name: 'ingest with no files', args: ['ingest', 'daily', '--db', '$DB'], says: TOO_FEW },
  { name: 'continuous with an unknown option', args: ['continuous', '--bogus', '--db', '$DB'], says: UNKNOWN },
  { name: 'synth with an unknown option', args: ['synth', '--bogus', '--db', '$DB'], says: UNKNOWN },
  { name: 'demo --from 2025-13-45', args: ['demo', '--from', '2025-13-45', '--db', '$DB'], says: BAD_DATE },
  { name: 'train without --config', args: ['train', '--db', '$DB'], says: MISSING('config') },
  { name: 'train --threads 0', args: ['train', '--db', '$DB', '--config', 'experiments/synth-dual-lstm.json', '--threads', '0'], says: /^bft: --threads 0: expected a whole number of at least 1 \(see --help\)$/ },
  { name: 'train --config with no value', args: ['train', '--db', '$DB', '--config'], says: /^bft: --config needs a value \(see --help\)$/ },
  { name: 'predict without --model', args: ['predict', '--db', '$DB'], says: MISSING('model') },
  { name: 'predict --from 2025-13-45', args: ['predict', '--model', 'm', '--from', '2025-13-45', '--db', '$DB'], says: BAD_DATE },
  { name: 'walk-forward with an unknown option', args: ['walk-forward', '--config', 'experiments/synth-walk-forward.json', '--bogus', '--db', '$DB'], says: UNKNOWN },
  { name: 'runs list with an unknown option', args: ['runs', 'list', '--bogus', '--db', '$DB'], says: UNKNOWN },
  { name: 'runs show without a run', args: ['runs', 'show', '--db', '$DB'], says: TOO_FEW },
  { name: 'runs compare without runs', args: ['runs', 'compare', '--db', '$DB'], says: TOO_FEW },
  { name: 'overfit-check with an unknown option', args: ['overfit-check', '--run', 'r1', '--bogus', '--db', '$DB'], says: UNKNOWN },
];

let tmp: ReturnType<typeof tempDir>;
const results = new Map<string, { code: number; out: string; err: string }>();

beforeAll(async () => {
  tmp = tempDir('bft-args-');
  // Two at a time: each is a short process, mostly module loading. Case i names store i.duckdb.
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < CASES.length; i = next++) {
      const c = CASES[i]!;
      results.set(c.name, await bftAsync(c.args.map((a) => a.replace('$DB', join(tmp.dir, `${i}.duckdb`)))));
    }
  };
  await Promise.all([worker(), worker()]);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('a bad argument stops the command before its handler starts', () => {
  for (const c of CASES) {
    it(`${c.name}: exit 2, one line on stderr, nothing on stdout`, () => {
      const r = results.get(c.name)!;
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.split('\n').filter((l) => l.length > 0);
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(c.says);
    });
  }

  it('creates no store, as a command that ran would have', () => {
    expect(results.size).toBe(CASES.length);
    for (let i = 0; i < CASES.length; i++) expect(existsSync(join(tmp.dir, `${i}.duckdb`))).toBe(false);
  });
});
