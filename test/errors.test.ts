// The one error type: which exit code each code gives, and that a failed job exits with the code
// of what it died of, carried as data from the job (in this process and from a worker thread).

import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/dataset/build.js';
import { datasetConfigSchema } from '../src/dataset/config.js';
import { BftError, EXIT, EXIT_CODE_OF, exitCodeOf } from '../src/errors.js';
import type { FoldJob } from '../src/eval/run/jobs.js';
import { runJobs } from '../src/eval/run/pool.js';
import { resolvePreset, type ModelSpec } from '../src/models/presets.js';
import { timingKind } from '../src/timing/kind.js';

/** A daily-only dataset of `n` samples with one noise feature: enough for a job to reach its model. */
function tinyDataset(n = 40, lookback = 3): Dataset {
  const rows = n + lookback - 1;
  const dailyRows = Float64Array.from({ length: rows }, (_, i) => Math.sin(i * 1.7));
  const rowDates = Int32Array.from({ length: rows }, (_, i) => 18000 + i);
  const row = Int32Array.from({ length: n }, (_, k) => k + lookback - 1);
  return {
    product: 'T',
    config: datasetConfigSchema.parse({ lookback }),
    intervalMin: null,
    lookback,
    bars: 0,
    classes: 2,
    dailyNames: ['noise'],
    minuteNames: [],
    dailyRows,
    rowDates,
    samples: {
      n,
      row,
      date: Int32Array.from(row, (r) => rowDates[r]!),
      contract: Array.from({ length: n }, () => 'T2503'),
      tradedContract: Array.from({ length: n }, () => 'T2503'),
      minute: new Float32Array(0),
      hasMinute: new Uint8Array(n),
      label: Int32Array.from({ length: n }, (_, k) => k % 2),
      nextReturn: new Float64Array(n),
      nextPrice: new Float64Array(n),
      nextTicks: new Float64Array(n),
    },
    dropped: [],
    masked: [],
  };
}

function job(over: Partial<FoldJob> = {}): FoldJob {
  return {
    model: 'logit',
    spec: resolvePreset('logit'),
    fold: { index: 0, train: [{ from: 0, to: 30 }], validation: [], test: [{ from: 32, to: 40 }] },
    seedIndex: 0,
    seed: 7,
    train: { epochs: 1, batchSize: 8, learningRate: 0.01, patience: 0, classWeights: 'none' },
    ...over,
  };
}

/** The error runJobs stops on. */
async function failure(j: FoldJob, workers: number): Promise<BftError> {
  const e = await runJobs([j], { workers, backend: 'cpu', kind: timingKind, dataset: tinyDataset() }, async () => {}).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BftError);
  return e as BftError;
}

// A spec the jobs are handed from a saved run or a config built in code: the model refuses it.
const badSpec = { ...resolvePreset('logit'), units: 0 } as ModelSpec;

describe('exit codes', () => {
  it('maps codes to the exit codes bft --help lists', () => {
    expect(EXIT_CODE_OF.usage).toBe(2);
    expect(EXIT_CODE_OF.check_failed).toBe(1);
    expect(EXIT_CODE_OF.store_unavailable).toBe(3);
    expect(EXIT_CODE_OF.store_missing).toBe(2);
    expect(EXIT_CODE_OF.signal_missing).toBe(4);
    expect(EXIT_CODE_OF.stale_model).toBe(5);
    expect(exitCodeOf(new BftError('bad_config', 'x'))).toBe(EXIT.badInput);
    expect(exitCodeOf(new BftError('no_run', 'x'))).toBe(EXIT.badInput);
  });

  it('a failed job exits with its cause: bad input 2, anything else internal 70, none 70', () => {
    const failed = (code: 'bad_config' | 'store_unavailable' | 'internal') => new BftError('job_failed', 'job x failed: y', { job: 'x' }, { code, message: 'y' });
    expect(exitCodeOf(failed('bad_config'))).toBe(2);
    expect(exitCodeOf(failed('store_unavailable'))).toBe(3);
    expect(exitCodeOf(failed('internal'))).toBe(70);
    expect(exitCodeOf(new BftError('job_failed', 'job x failed'))).toBe(70);
  });

  it('keeps a message to one line: a usage message joins its lines, any other keeps its first', () => {
    expect(new BftError('usage', 'Unknown argument: x\n  Did you mean y?').message).toBe('Unknown argument: x; Did you mean y?');
    expect(new BftError('incompatible_artifact', 'meta.json: Unexpected token, "{\n"a": }" is not valid JSON').message).toBe('meta.json: Unexpected token, "{');
  });
});

describe('a job that fails', () => {
  it('on a spec the model refuses: job_failed naming the job, caused by bad_config, exit 2', async () => {
    const e = await failure(job({ spec: badSpec }), 1);
    expect(e).toMatchObject({ code: 'job_failed', context: { job: 'logit|0|0' }, cause: { code: 'bad_config' } });
    expect(e.message).toMatch(/^job logit\|0\|0 failed: bad /);
    expect(e.message).toContain(e.cause!.message);
    expect(exitCodeOf(e)).toBe(2);
  });

  it('on a bug (no BftError): caused by internal, exit 70', async () => {
    const e = await failure(job({ probe: { kind: 'permute', seed: 1, block: 0 } }), 1);
    expect(e).toMatchObject({ code: 'job_failed', cause: { code: 'internal', message: 'permutation block must be a positive integer, got 0' } });
    expect(e.message).toBe('job logit|0|0 failed: permutation block must be a positive integer, got 0');
    expect(exitCodeOf(e)).toBe(70);
  });

  it('in a worker thread: the cause crosses as data and exits the same', async () => {
    const e = await failure(job({ spec: badSpec }), 2);
    expect(e).toMatchObject({ code: 'job_failed', context: { job: 'logit|0|0' }, cause: { code: 'bad_config' } });
    expect(exitCodeOf(e)).toBe(2);
  }, 60_000);
});
