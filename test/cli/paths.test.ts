// Names and references a user types never reach outside the experiments and models folders, and a
// config is refused whole before anything runs: the bft command as a user runs it.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bft } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeAll(() => {
  tmp = tempDir('bft-paths-');
  db = join(tmp.dir, 'store.duckdb');
});
afterAll(() => tmp.cleanup());

/** Exit 2 with one line on stderr, no stack trace; returns that line. */
function refused(args: string[]): string {
  const r = bft(args);
  expect(r.code, r.err).toBe(2);
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^bft: /);
  return lines[0]!;
}

const RULE = /is not one folder name of letters, digits, dot, dash or underscore, not starting with a dot, at most 64 characters/;

describe('names and references stay inside their folders', () => {
  it('refuses an experiment named ".." before writing a run beside the experiments folder', () => {
    const experiments = join(tmp.dir, 'work', 'experiments');
    const config = writeLines(tmp.dir, 'dotdot.json', [JSON.stringify({ name: '..', models: [{ preset: 'logit' }] })]);
    const line = refused(['walk-forward', '--config', config, '--db', db, '--experiments', experiments]);
    expect(line).toMatch(/dotdot\.json: name: "\.\." /);
    expect(line).toMatch(RULE);
    expect(existsSync(join(tmp.dir, 'work'))).toBe(false);
  }, 60_000);

  it('refuses a model named by a config file "...json" before writing beside the models folder', () => {
    const models = join(tmp.dir, 'train', 'models');
    const config = writeLines(tmp.dir, '...json', [JSON.stringify({ model: { preset: 'logit' } })]);
    const line = refused(['train', '--config', config, '--db', db, '--models', models]);
    expect(line).toMatch(/name: "\.\." \(from the file name; the config has no "name"\)/);
    expect(existsSync(join(tmp.dir, 'train'))).toBe(false);
  }, 60_000);

  it('names an unknown preset and the known ones when only the plan is asked for', () => {
    const config = writeLines(tmp.dir, 'preset.json', [JSON.stringify({ models: [{ preset: 'logit' }, { preset: 'dual-transformer' }] })]);
    const line = refused(['walk-forward', '--plan', '--config', config, '--db', db]);
    expect(line).toMatch(/preset\.json: models\.1\.preset: unknown model preset "dual-transformer" \(known: dual-lstm, dual-gru, daily-lstm, daily-gru, minute-lstm, minute-gru, logit\)$/);
  }, 60_000);

  it('does not look up a model reference such as ../../x under the models folder', () => {
    // models/a/ holds a model; the folder beside models/ looks like one too.
    const models = join(tmp.dir, 'm', 'models');
    mkdirSync(join(models, 'a', 'id1'), { recursive: true });
    writeFileSync(join(models, 'a', 'id1', 'meta.json'), '{}');
    mkdirSync(join(tmp.dir, 'm', 'x'), { recursive: true });
    writeFileSync(join(tmp.dir, 'm', 'x', 'meta.json'), '{}');
    const line = refused(['predict', '--model', '../../x', '--db', db, '--models', models]);
    expect(line).toMatch(/^bft: no model "\.\.\/\.\.\/x": give a model folder, a name, name\/id or an id under /);
  }, 60_000);

  it('refuses a run id that is a path', () => {
    const line = refused(['runs', 'show', '../../x', '--db', db]);
    expect(line).toMatch(/^bft: no run "\.\.\/\.\.\/x": a run id is one folder name/);
  }, 60_000);
});
