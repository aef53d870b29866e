// The desk's HTTP API as data: the query strings it accepts and the documents it answers with,
// as zod schemas, published as JSON Schema in an OpenAPI document (GET /openapi.json).

import { z } from 'zod';
import { isoDateProblem } from '../market/calendar.js';
import { PRODUCTS } from '../market/specs.js';

const isoDate = z.string().superRefine((v, ctx) => {
  const problem = isoDateProblem(v);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** GET /signals: which standing signals, by product and evening. */
export const signalsQuerySchema = z
  .object({
    product: z.enum(PRODUCTS).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from is after to', path: ['from'] });

/** GET /signals/latest. */
export const latestQuerySchema = z.object({ product: z.enum(PRODUCTS).optional() }).strict();

/** GET /runs. */
export const runsQuerySchema = z.object({ experiment: z.string().min(1).optional() }).strict();

const part = z.object({ name: z.string(), signal: z.number(), weight: z.number(), contribution: z.number() });

export const deskSignalSchema = z.object({
  product: z.enum(PRODUCTS),
  asOf: z.string(),
  forDate: z.string(),
  contract: z.string(),
  minuteContract: z.string().nullable(),
  pUp: z.number(),
  direction: z.enum(['long', 'short', 'flat']),
  confidence: z.number(),
  combination: z.object({ value: z.number(), direction: z.number(), parts: z.array(part) }),
  position: z.object({ contracts: z.number(), riskPerContractCny: z.number(), dailyTicks: z.number(), days: z.number(), budgetCny: z.number(), tickValue: z.number() }),
  model: z.object({ name: z.string(), id: z.string(), dir: z.string(), preset: z.string(), trainedFrom: z.string(), trainedThrough: z.string() }),
  data: z.object({ dailyThrough: z.string(), minuteThrough: z.string().nullable(), intervalMin: z.number().nullable() }),
  warnings: z.array(z.string()),
});

export const latestSchema = z.object({
  signals: z.array(z.object({ signal: deskSignalSchema, revision: z.number(), reason: z.string(), createdAt: z.string() })),
});

export const historySchema = z.object({
  rows: z.array(
    z.object({
      product: z.enum(PRODUCTS),
      asOf: z.string(),
      forDate: z.string(),
      revision: z.number(),
      contract: z.string(),
      pUp: z.number(),
      direction: z.string(),
      contracts: z.number(),
      modelId: z.string(),
      moveTicks: z.number().nullable(),
      hit: z.boolean().nullable(),
      pnlTicks: z.number().nullable(),
      pnlCny: z.number().nullable(),
    }),
  ),
  record: z.array(z.object({ product: z.enum(PRODUCTS), signals: z.number(), scored: z.number(), hitRate: z.number().nullable(), pnlTicks: z.number(), pnlCny: z.number() })),
});

const runSchema = z.object({
  runId: z.string(),
  experiment: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.string(),
  jobs: z.number(),
  summary: z.unknown().nullable(),
});

export const runsSchema = z.object({ runs: z.array(runSchema) });
export const runDetailSchema = runSchema.extend({ config: z.unknown(), plan: z.unknown(), commit: z.string() });
export const healthSchema = z.object({ ok: z.boolean(), store: z.string(), signals: z.number(), runs: z.number() });
export const errorSchema = z.object({ error: z.string() });

/** One line naming the first bad query field, for a 400. */
export function queryProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(query)';
  return issue.code === 'unrecognized_keys' ? `unknown query parameter ${field}` : `${field}: ${issue.message}`;
}

const json = (s: z.ZodType): unknown => z.toJSONSchema(s, { unrepresentable: 'any' });
const queryParams = (s: z.ZodObject): unknown[] =>
  Object.entries(s.shape).map(([name, schema]) => ({ name, in: 'query', required: false, schema: json(schema as z.ZodType) }));
const ok = (s: z.ZodType, what: string): unknown => ({
  200: { description: what, content: { 'application/json': { schema: json(s) } } },
  400: { description: 'a bad query string: one line naming the field', content: { 'application/json': { schema: json(errorSchema) } } },
});

/** The OpenAPI 3.1 document of the desk API. */
export function openApi(version: string): unknown {
  const signalsShape = z.object({ product: z.enum(PRODUCTS).optional(), from: z.string().optional(), to: z.string().optional() });
  return {
    openapi: '3.1.0',
    info: { title: 'bft desk API', version, description: 'Read-only: the desk signals kept in the store, their track record, and the walk-forward runs.' },
    paths: {
      '/healthz': { get: { summary: 'the server and its store', responses: ok(healthSchema, 'alive') } },
      '/signals/latest': { get: { summary: 'per product, the standing signal of its newest evening', parameters: queryParams(latestQuerySchema), responses: ok(latestSchema, 'the latest signals') } },
      '/signals': { get: { summary: 'the standing signal of each evening with the move that followed, and each product\'s track record', parameters: queryParams(signalsShape), responses: ok(historySchema, 'the track record') } },
      '/runs': { get: { summary: 'walk-forward runs, newest first', parameters: queryParams(runsQuerySchema), responses: ok(runsSchema, 'the runs') } },
      '/runs/{id}': {
        get: {
          summary: 'one run: its config, plan and headline figures',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { ...(ok(runDetailSchema, 'the run') as object), 404: { description: 'no such run', content: { 'application/json': { schema: json(errorSchema) } } } },
        },
      },
    },
  };
}
