// What a dataset is made of, as a zod schema: the experiment config's `dataset` block. Parsing
// fills every default, so the resolved object says exactly what was built.

import { z } from 'zod';
import { BftError } from '../errors.js';
import { PRODUCTS } from '../market/specs.js';

export const EXECUTIONS = ['close-close', 'open-close'] as const;
export type Execution = (typeof EXECUTIONS)[number];

export const datasetConfigSchema = z
  .object({
    /** The product timed; the others feed the curve features when the store has them. */
    product: z.enum(PRODUCTS).default('T'),
    /** Trading days of daily features the daily channel reads, ending at t. */
    lookback: z.number().int().min(1).max(250).default(20),
    /**
     * What the label measures: the next day's close over today's close, or the next day's open to
     * its close (entering at the next open).
     */
    execution: z.enum(EXECUTIONS).default('close-close'),
    /**
     * Neutral band in ticks: |next-day move| <= band is neutral. 'binary' ignores the band (up =
     * move > 0), 'drop' leaves neutral days out, 'three' labels them as a class of their own.
     */
    labels: z.enum(['binary', 'drop', 'three']).default('binary'),
    neutralTicks: z.number().min(0).default(0),
    /** Intraday bar interval (minutes) of the minute channel; default: the one the store holds. */
    intervalMin: z.number().int().positive().optional(),
    /** A day with fewer than this share of its bars has no usable intraday bars (reason logged). */
    minBarShare: z.number().min(0).max(1).default(0.8),
    /**
     * A date without usable intraday bars: 'drop' it, or 'mask' its minute channel (zeros, the
     * mask feature 0) and keep the sample, so the daily channel learns from the whole daily
     * history (real intraday files are far shorter than the daily ones).
     */
    missingMinute: z.enum(['drop', 'mask']).default('drop'),
    /** Feature names (default: all that the store can feed); unknown names are an error. */
    dailyFeatures: z.array(z.string()).optional(),
    minuteFeatures: z.array(z.string()).optional(),
    /** Robust z-scores are clipped to +-clip. */
    clip: z.number().positive().default(5),
  })
  .strict();

export type DatasetConfig = z.input<typeof datasetConfigSchema>;
export type ResolvedDatasetConfig = z.output<typeof datasetConfigSchema>;

/** The dataset kind these settings belong to (src/timing/kind.ts registers it; the experiments' default). */
export const TIMING_KIND = 'futures-timing';

/**
 * The futures timing settings of an experiment's resolved `dataset` block; a block of another kind
 * is refused, naming `what` needed it (a command or analysis that only futures timing has).
 */
export function timingConfigOf(block: { readonly kind: string }, what: string): ResolvedDatasetConfig {
  if (block.kind !== TIMING_KIND) throw new BftError('bad_config', `${what} works on futures timing datasets (dataset.kind "${TIMING_KIND}"), not dataset.kind "${block.kind}"`, { kind: block.kind });
  return block as unknown as ResolvedDatasetConfig;
}
