import { describe, expect, it } from 'vitest';
import { BftError } from '../../src/errors.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { foldPlanConfig, isFolderName, NAME_MAX, pathInside, readExperiment, resolveExperiment } from '../../src/eval/experiment.js';

describe('experiment configs', () => {
  it('a resolved config, as a run records it, resolves to itself under every scheme', () => {
    for (const walkForward of [{}, { scheme: 'rolling', trainDays: 500 }, { scheme: 'cpcv', groups: 8, testGroups: 3, embargoDays: 20 }]) {
      const x = resolveExperiment({ walkForward }, 'x');
      expect(resolveExperiment(JSON.parse(JSON.stringify(x)), 'x')).toEqual(x);
    }
  });

  it('fills the CPCV defaults and keeps window settings out of a CPCV plan', () => {
    const x = resolveExperiment({ walkForward: { scheme: 'cpcv', validationDays: 60 } }, 'x');
    expect(foldPlanConfig(x.walkForward)).toEqual({ scheme: 'cpcv', groups: 6, testGroups: 2, validationDays: 60, purgeDays: 1, embargoDays: 0 });
    // A window setting at its default says nothing; any other value is refused.
    expect(() => resolveExperiment({ walkForward: { scheme: 'cpcv', trainDays: 750 } }, 'x')).not.toThrow();
    expect(() => resolveExperiment({ walkForward: { scheme: 'cpcv', testDays: 21 } }, 'x')).toThrow(BftError);
    expect(() => resolveExperiment({ walkForward: { scheme: 'cpcv', maxFolds: 3 } }, 'x')).toThrow(/walkForward\.maxFolds: not used by scheme "cpcv"/);
    expect(() => resolveExperiment({ walkForward: { scheme: 'rolling', testGroups: 2 } }, 'x')).toThrow(/walkForward\.testGroups: only used by scheme "cpcv" \(the scheme is "rolling"\)/);
  });

  it('refuses a name that is not one folder name: "..", ".", a hidden name, a path, an overlong one', () => {
    for (const name of ['..', '.', '.hidden', 'a/b', '../x', 'a\\b', '', 'x'.repeat(NAME_MAX + 1)]) {
      expect(() => resolveExperiment({ name }, 'x'), name).toThrow(BftError);
    }
    expect(() => resolveExperiment({ name: '..' }, 'x')).toThrow(/^config: name: "\.\." is not one folder name of letters, digits, dot, dash or underscore, not starting with a dot, at most 64 characters$/);
    for (const name of ['synth-walk-forward', 'v1.2_final', 'x'.repeat(NAME_MAX)]) expect(resolveExperiment({ name }, 'x').name).toBe(name);
  });

  it('refuses a file name standing in for a missing name when it is not one folder name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-exp-'));
    try {
      writeFileSync(join(dir, '...json'), '{}');
      expect(() => readExperiment(join(dir, '...json'))).toThrow(/name: "\.\." \(from the file name; the config has no "name"\) is not one folder name/);
      writeFileSync(join(dir, 'ok.json'), '{}');
      expect(readExperiment(join(dir, 'ok.json')).name).toBe('ok');
      expect(() => resolveExperiment({}, '..')).toThrow(BftError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown preset or a bad override when the config is read, naming the known presets', () => {
    expect(() => resolveExperiment({ models: [{ preset: 'logit' }, { preset: 'nope-lstm' }] }, 'x')).toThrow(
      /^config: models\.1\.preset: unknown model preset "nope-lstm" \(known: dual-lstm, dual-gru, daily-lstm, daily-gru, minute-lstm, minute-gru, logit\)$/,
    );
    expect(() => resolveExperiment({ model: { preset: 'dual-gru', units: 0 } }, 'x')).toThrow(/^config: model\.units: bad preset "dual-gru": units: .*got 0/);
    expect(() => resolveExperiment({ models: [{ preset: 'logit', layerz: 2 }] }, 'x')).toThrow(/^config: models\.0\.layerz: not a model setting \(settings: preset, label, kind, cell, units/);
    // A label is the entry's own, not an override; three-class labels resolve with three classes.
    expect(() => resolveExperiment({ models: [{ preset: 'dual-gru', label: 'g', units: 8 }], dataset: { labels: 'three' } }, 'x')).not.toThrow();
  });

  it('a path inside a root stays inside it; "..", "." and absolute segments do not', () => {
    const root = join(tmpdir(), 'root');
    expect(pathInside(root, 'a', 'runs', 'b')).toBe(resolve(root, 'a', 'runs', 'b'));
    expect(pathInside(root, '..', 'runs', 'b')).toBeNull();
    expect(pathInside(root, 'a', '..', '..', 'b')).toBeNull();
    expect(pathInside(root, '.')).toBeNull();
    expect(pathInside(root, '/etc')).toBeNull();
    expect(pathInside(root, 'a', '..', 'b')).toBe(resolve(root, 'b'));
    expect(isFolderName('..')).toBe(false);
  });
});
