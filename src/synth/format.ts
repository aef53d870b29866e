// Prices on a tick grid as text: how many decimals a tick needs and the integer units to print.

/** Decimals needed to print multiples of a tick (0.005 -> 3, 0.01 -> 2). */
export function tickDecimals(tick: number): number {
  for (let d = 0; d <= 8; d++) if (Math.abs(Math.round(tick * 10 ** d) - tick * 10 ** d) < 1e-9) return d;
  throw new RangeError(`tick ${tick} has more than 8 decimals`);
}

export interface PriceFormat {
  readonly tick: number;
  readonly decimals: number;
  /** 10^decimals. */
  readonly scale: number;
  /** Print units (10^-decimals) per tick: 5 for 0.005, 2 for 0.002, 1 for 0.01. */
  readonly perTick: number;
  /** Text of k ticks. */
  ticks(k: number): string;
}

const cache = new Map<number, PriceFormat>();

export function priceFormat(tick: number): PriceFormat {
  const hit = cache.get(tick);
  if (hit) return hit;
  const decimals = tickDecimals(tick);
  const scale = 10 ** decimals;
  const perTick = Math.round(tick * scale);
  const f: PriceFormat = {
    tick,
    decimals,
    scale,
    perTick,
    ticks: (k) => {
      const u = k * perTick;
      const ip = Math.floor(u / scale);
      return decimals === 0 ? String(ip) : `${ip}.${String(u - ip * scale).padStart(decimals, '0')}`;
    },
  };
  cache.set(tick, f);
  return f;
}
