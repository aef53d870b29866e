// Runs fold jobs: in this process with one worker, else in worker threads (worker.ts), each with
// its own tfjs and wasm backend, so two cores train two models at once (the fused kernel on
// opts.threads threads in each, 1 by default: the workers already fill the cores). Results reach `onResult` one at a time, in completion
// order; the first failure stops the pool and is rethrown with the job that failed.

import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BftError, causeOf, type BftErrorCause } from '../../errors.js';
import { initBackend } from '../../models/backend.js';
import type { BackendName } from '../../models/backend-names.js';
import { jobCost, jobKey, runJob, type FoldJob, type JobResult } from './jobs.js';
import type { AnyDatasetKind, KindDataset } from './kind.js';

/** A worker's answer to one job: its result, or the error it died of as plain data (causeOf). */
export type WorkerReply = { readonly ok: true; readonly result: JobResult } | { readonly ok: false; readonly cause: BftErrorCause };

export interface PoolOptions {
  readonly workers: number;
  /** Threads of the fused kernel in each worker thread (default 1). */
  readonly threads?: number | undefined;
  readonly backend: BackendName;
  /** The dataset's kind: workers import its module (kind.module) to compute inputs. */
  readonly kind: AnyDatasetKind;
  readonly dataset: KindDataset;
}

/** BftError 'job_failed' naming the job (context.job) and carrying what it died of (cause). */
function jobFailed(job: FoldJob, cause: BftErrorCause): BftError {
  const key = jobKey(job);
  return new BftError('job_failed', `job ${key} failed: ${cause.message}`, { job: key }, cause);
}

/** The default worker count: the machine's cores. */
export function defaultWorkers(): number {
  return Math.max(1, cpus().length);
}

export async function runJobs(jobs: readonly FoldJob[], opts: PoolOptions, onResult: (r: JobResult) => Promise<void>): Promise<void> {
  if (jobs.length === 0) return;
  if (opts.workers <= 1) {
    await initBackend(opts.backend);
    for (const job of jobs) {
      let result: JobResult;
      try {
        result = await runJob(opts.kind, opts.dataset, job);
      } catch (e) {
        throw jobFailed(job, causeOf(e));
      }
      await onResult(result);
    }
    return;
  }
  await inWorkers(jobs, opts, onResult);
}

/**
 * A worker running worker.ts (built: worker.js). From source (tsx, vitest) the worker registers
 * tsx's loader before importing it: Node 20 does not apply `--import tsx` hooks to a worker's
 * entry module.
 */
function startWorker(workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

function inWorkers(jobs: readonly FoldJob[], opts: PoolOptions, onResult: (r: JobResult) => Promise<void>): Promise<void> {
  // Longest first, so no worker is left with a long job while the others idle at the end. Each
  // job is seeded on its own, so the order changes no number (results are stored by job key).
  const channels = opts.kind.channels(opts.dataset);
  const queue = [...jobs].sort((a, b) => jobCost(b, channels) - jobCost(a, channels));
  const count = Math.min(opts.workers, jobs.length);
  const workers: Worker[] = [];
  return new Promise<void>((resolve, reject) => {
    const busy = new Set<Worker>();
    let failed = false;
    // Results are handed on one at a time (the store writes them in order of arrival).
    let chain: Promise<void> = Promise.resolve();
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      void Promise.all(workers.map((w) => w.terminate())).finally(() => reject(e));
    };
    const next = (w: Worker): void => {
      const job = queue.shift();
      if (job === undefined) {
        void w.terminate();
        if (busy.size === 0) chain.then(resolve, fail);
        return;
      }
      busy.add(w);
      w.once('message', (reply: WorkerReply) => {
        busy.delete(w);
        if (!reply.ok) {
          fail(jobFailed(job, reply.cause));
          return;
        }
        chain = chain.then(() => onResult(reply.result));
        chain.catch(fail);
        if (!failed) next(w);
      });
      w.postMessage(job);
    };
    for (let i = 0; i < count; i++) {
      const w = startWorker({ dataset: opts.dataset, backend: opts.backend, threads: opts.threads ?? 1, kind: { name: opts.kind.name, module: opts.kind.module } });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (busy.has(w) && !failed) fail(new Error(`a walk-forward worker exited with code ${code} while running a job`));
      });
      workers.push(w);
      next(w);
    }
  });
}
