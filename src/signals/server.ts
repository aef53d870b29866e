// bft serve: the desk's read-only HTTP API and page on fastify. Each request opens the store
// read-only and closes it again, so an ingest or a walk-forward in another process can take the
// file between requests; a request that meets its lock past the wait is a 503, not a hang.

import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Store } from '../data/store.js';
import { BftError } from '../errors.js';
import { isFolderName } from '../eval/run/experiment.js';
import { getRun, listRuns, type RunRecord } from '../eval/run/runs.js';
import { latestQuerySchema, openApi, queryProblem, runsQuerySchema, signalsQuerySchema } from './api.js';
import { latestSignals, signalHistory } from './history.js';
import { renderDeskPage, type RunBrief } from './page.js';

export interface ServeOptions {
  /** The store file; opened read-only per request. */
  readonly db: string;
  /** bft's version, in /openapi.json. */
  readonly version: string;
  /** How long a request waits for another process's lock on the store (ms). */
  readonly lockWaitMs?: number | undefined;
  /** Request log lines (one per request), e.g. to stderr; none by default. */
  readonly log?: ((line: string) => void) | undefined;
}

const brief = (r: RunRecord): RunBrief & { createdAt: string; status: string; jobs: number } => ({
  runId: r.runId,
  experiment: r.experiment,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
  status: r.status,
  jobs: r.jobs,
  summary: r.summaryJson ? (JSON.parse(r.summaryJson) as RunBrief['summary']) : null,
});

/** The fastify app (not listening yet: call listen, or inject in tests). */
export function buildServer(o: ServeOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const read = async <T>(reply: FastifyReply, body: (store: Store) => Promise<T>): Promise<T | undefined> => {
    let store: Store | null = null;
    try {
      store = await Store.open(o.db, { mode: 'read', lockWaitMs: o.lockWaitMs ?? 5000 });
      return await body(store);
    } catch (e) {
      if (!(e instanceof BftError && (e.code === 'store_missing' || e.code === 'store_unavailable'))) throw e;
      await reply.code(503).send({ error: e.message });
      return undefined;
    } finally {
      store?.close();
    }
  };
  const bad = (reply: FastifyReply, error: string): FastifyReply => reply.code(400).send({ error });

  if (o.log) app.addHook('onResponse', async (req, reply) => o.log!(`${req.method} ${req.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(0)} ms`));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]} (GET /, /healthz, /signals/latest, /signals, /runs, /runs/:id, /openapi.json)` }));

  app.get('/healthz', async (_req, reply) =>
    read(reply, async (store) => {
      const [signals] = await store.all<{ n: number }>('SELECT count(*) AS n FROM signals');
      const [runs] = await store.all<{ n: number }>('SELECT count(*) AS n FROM runs');
      return { ok: true, store: store.path, signals: signals!.n, runs: runs!.n };
    }),
  );

  app.get('/openapi.json', async () => openApi(o.version));

  app.get('/signals/latest', async (req, reply) => {
    const q = latestQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, queryProblem(q.error));
    return read(reply, async (store) => ({ signals: await latestSignals(store, q.data.product) }));
  });

  app.get('/signals', async (req, reply) => {
    const q = signalsQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, queryProblem(q.error));
    return read(reply, (store) => signalHistory(store, q.data));
  });

  app.get('/runs', async (req, reply) => {
    const q = runsQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, queryProblem(q.error));
    return read(reply, async (store) => ({ runs: (await listRuns(store, q.data.experiment)).map(brief) }));
  });

  app.get<{ Params: { id: string } }>('/runs/:id', async (req, reply) => {
    const id = req.params.id;
    if (!isFolderName(id)) return bad(reply, `id: ${JSON.stringify(id)} is not a run id`);
    return read(reply, async (store) => {
      const r = await getRun(store, id);
      if (r === null) return reply.code(404).send({ error: `no run ${id} (GET /runs lists them)` });
      return { ...brief(r), config: JSON.parse(r.configJson) as unknown, plan: JSON.parse(r.planJson) as unknown, commit: r.commit };
    });
  });

  app.get('/', async (_req, reply) => {
    const page = await read(reply, async (store) => {
      const finished = (await listRuns(store)).find((r) => r.status === 'finished');
      return renderDeskPage({ latest: await latestSignals(store), history: await signalHistory(store), run: finished ? brief(finished) : null, now: new Date().toISOString().slice(0, 19).replace('T', ' ') + ' UTC' });
    });
    if (page === undefined) return reply;
    return reply.type('text/html; charset=utf-8').send(page);
  });

  return app;
}
