import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/dataset/errors.js';
import { foldPlanConfig, resolveExperiment } from '../../src/eval/experiment.js';

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
    expect(() => resolveExperiment({ walkForward: { scheme: 'cpcv', testDays: 21 } }, 'x')).toThrow(DatasetError);
    expect(() => resolveExperiment({ walkForward: { scheme: 'cpcv', maxFolds: 3 } }, 'x')).toThrow(/walkForward\.maxFolds: not used by scheme "cpcv"/);
    expect(() => resolveExperiment({ walkForward: { scheme: 'rolling', testGroups: 2 } }, 'x')).toThrow(/walkForward\.testGroups: only used by scheme "cpcv" \(the scheme is "rolling"\)/);
  });
});
