// The experiment config's `overfit` block: how hard `bft overfit-check` probes, and the
// thresholds of its verdict. Defaults are documented in docs/overfit-gate.md.

import { z } from 'zod';

export const overfitThresholdsSchema = z
  .object({
    /** Fail when PBO (CSCV over every model x seed) is above this. */
    pbo: z.number().min(0).max(1).default(0.5),
    /**
     * PBO is gated only from this many configurations on: with two or three, CSCV's ranks are too
     * coarse, and equally good configurations alone score PBO above 1/2 (each split's in-sample
     * winner is the complement's loser). Below it PBO is reported, not judged.
     */
    pboMinConfigs: z.number().int().min(2).default(4),
    /** Fail when the deflated Sharpe ratio of the headline model is below this. */
    dsr: z.number().min(0).max(1).default(0.95),
    /** Fail when the headline model's OOS accuracy does not beat the permuted-label null at this level. */
    nullP: z.number().gt(0).max(1).default(0.05),
    /** Fail when mean train accuracy exceeds mean OOS accuracy by more than this. */
    gap: z.number().min(0).max(1).default(0.1),
    /** The future-shift probe must raise OOS accuracy by at least this, or the check is blind. */
    shiftJump: z.number().min(0).max(1).default(0.05),
    /** Leak when a model trained on shuffled labels beats 50% with p below this. */
    shuffleP: z.number().gt(0).max(1).default(0.01),
    /** Leak when the headline OOS accuracy is above this: nothing honest times bond futures that well. */
    maxAccuracy: z.number().gt(0.5).max(1).default(0.7),
  })
  .strict();

export const overfitConfigSchema = z
  .object({
    /** K: retrains of the headline model on block-permuted labels (the null distribution). */
    nullPermutations: z.number().int().min(1).max(200).default(8),
    /** Block length (samples) of the label permutation: keeps the labels' autocorrelation. */
    nullBlock: z.number().int().min(1).default(20),
    /** Run the future-shift and label-shuffle probes. */
    probes: z.boolean().default(true),
    /** Dates whose inputs are rebuilt from data cut at the date (the no-look-ahead probe). */
    lookaheadDates: z.number().int().min(0).max(50).default(5),
    /** CSCV blocks S (even); lowered to fit the test days when there are too few. */
    pboBlocks: z.number().int().min(2).max(30).default(16),
    /**
     * Configurations tried on the same test days before this one, outside this run (settings
     * compared by their results while the config was chosen; docs/model-quality.md keeps the
     * ledger). They are added to the run's own models x seeds as trials of the deflated Sharpe:
     * the more was tried, the higher the Sharpe luck alone reaches.
     */
    priorTrials: z.number().int().min(0).default(0),
    thresholds: overfitThresholdsSchema.prefault({}),
  })
  .strict();

export type OverfitConfig = z.output<typeof overfitConfigSchema>;
export type OverfitThresholds = z.output<typeof overfitThresholdsSchema>;
