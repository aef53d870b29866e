// Robust z-scores, fit on the training slice only: (x - median) / (IQR / 1.349), clipped. The
// fitted state is plain JSON and travels with the model, so prediction scales exactly as
// training did.

export interface ScalerState {
  readonly names: readonly string[];
  readonly center: readonly number[];
  readonly scale: readonly number[];
  /** Features passed through unscaled (masks, clock encodings). */
  readonly passthrough: readonly boolean[];
  readonly clip: number;
}

/** Quantile q of finite values by linear interpolation (NaN when none). */
export function quantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Fits one robust scaler per feature over `rows` rows of `width` features laid out row-major in
 * `data`, looking only at the rows `use(i)` accepts.
 */
export function fitScaler(
  data: Float32Array | Float64Array,
  width: number,
  names: readonly string[],
  opts: { clip: number; passthrough?: ReadonlySet<string>; use?: (row: number) => boolean },
): ScalerState {
  const rows = Math.floor(data.length / width);
  const center: number[] = [];
  const scale: number[] = [];
  const passthrough = names.map((n) => opts.passthrough?.has(n) ?? false);
  for (let j = 0; j < width; j++) {
    if (passthrough[j]) {
      center.push(0);
      scale.push(1);
      continue;
    }
    const vals: number[] = [];
    for (let i = 0; i < rows; i++) {
      if (opts.use && !opts.use(i)) continue;
      const v = data[i * width + j]!;
      if (Number.isFinite(v)) vals.push(v);
    }
    const sorted = Float64Array.from(vals).sort();
    const med = quantile(sorted, 0.5);
    const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    // A constant feature (or none seen) is centred but not stretched.
    center.push(Number.isFinite(med) ? med : 0);
    scale.push(iqr > 1e-12 ? iqr / 1.349 : 1);
  }
  return { names: [...names], center, scale, passthrough, clip: opts.clip };
}

/** Scales `data` (row-major, width = state.names.length) into a new Float32Array. */
export function applyScaler(state: ScalerState, data: Float32Array | Float64Array): Float32Array {
  const width = state.names.length;
  const out = new Float32Array(data.length);
  const c = state.clip;
  for (let i = 0; i < data.length; i++) {
    const j = i % width;
    if (state.passthrough[j]) {
      out[i] = data[i]!;
      continue;
    }
    const z = (data[i]! - state.center[j]!) / state.scale[j]!;
    out[i] = z > c ? c : z < -c ? -c : z;
  }
  return out;
}
