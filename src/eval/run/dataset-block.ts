// The experiment's `dataset` block: `kind` names a registered dataset kind (kind.ts; default the
// futures timing one) and the rest is parsed by that kind's own schema, every issue reported with
// its path under `dataset`. The resolved block keeps `kind` beside the kind's defaulted settings.

import { z } from 'zod';
import { BftError } from '../../errors.js';
import { DEFAULT_DATASET_KIND, getDatasetKind } from './kind.js';

/** A resolved dataset block: the kind's name and its settings, as the kind's schema output them. */
export type DatasetBlock = { readonly kind: string } & Readonly<Record<string, unknown>>;

export const datasetBlockSchema = z.looseObject({ kind: z.string().default(DEFAULT_DATASET_KIND) }).transform((block, ctx): DatasetBlock => {
  const { kind: name, ...settings } = block;
  let schema: z.ZodType;
  try {
    schema = getDatasetKind(name).schema;
  } catch (e) {
    if (!(e instanceof BftError)) throw e;
    ctx.addIssue({ code: 'custom', path: ['kind'], message: e.message });
    return z.NEVER;
  }
  const r = schema.safeParse(settings);
  if (!r.success) {
    for (const issue of r.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  return { kind: name, ...(r.data as Record<string, unknown>) };
});
