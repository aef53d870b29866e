// Worker-thread entry of the job pool (pool.ts): one tfjs instance per worker (single-threaded
// wasm), the dataset received once at start, then jobs in and results out until closed.

import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset } from '../dataset/build.js';
import { causeOf } from '../errors.js';
import { initBackend } from '../models/backend.js';
import type { BackendName } from '../models/backend-names.js';
import { runJob, type FoldJob } from './jobs.js';
import type { WorkerReply } from './pool.js';

interface WorkerInit {
  readonly dataset: Dataset;
  readonly backend: BackendName;
}

const port = parentPort;
if (port === null) throw new Error('eval/worker.ts runs as a worker thread only');
const init = workerData as WorkerInit;
const ready = initBackend(init.backend);

port.on('message', (job: FoldJob) => {
  void (async () => {
    let reply: WorkerReply;
    try {
      await ready;
      const result = await runJob(init.dataset, job);
      reply = { ok: true, result };
    } catch (e) {
      reply = { ok: false, cause: causeOf(e) };
    }
    port.postMessage(reply, reply.ok ? [reply.result.testProb.buffer as ArrayBuffer] : []);
  })();
});
