// Worker-thread entry of the job pool (pool.ts): one tfjs instance per worker (wasm, the fused
// kernel on init.threads threads, 1 by default), the dataset received once at start, then jobs in and results out until closed. The
// dataset's kind is imported by its module URL, which registers it here too.

import { parentPort, workerData } from 'node:worker_threads';
import { causeOf } from '../../errors.js';
import { initBackend, setKernelThreads } from '../../models/backend.js';
import type { BackendName } from '../../models/backend-names.js';
import { runJob, type FoldJob } from './jobs.js';
import { getDatasetKind, type AnyDatasetKind, type KindDataset } from './kind.js';
import type { WorkerReply } from './pool.js';

interface WorkerInit {
  readonly dataset: KindDataset;
  readonly kind: { readonly name: string; readonly module: string };
  readonly backend: BackendName;
  readonly threads: number;
}

const port = parentPort;
if (port === null) throw new Error('eval/worker.ts runs as a worker thread only');
const init = workerData as WorkerInit;
setKernelThreads(init.threads);
const ready: Promise<AnyDatasetKind> = Promise.all([initBackend(init.backend), import(init.kind.module)]).then(() => getDatasetKind(init.kind.name));

port.on('message', (job: FoldJob) => {
  void (async () => {
    let reply: WorkerReply;
    try {
      const kind = await ready;
      const result = await runJob(kind, init.dataset, job);
      reply = { ok: true, result };
    } catch (e) {
      reply = { ok: false, cause: causeOf(e) };
    }
    port.postMessage(reply, reply.ok ? [reply.result.testProb.buffer as ArrayBuffer] : []);
  })();
});
