// tfjs prints a few console warnings that say nothing actionable to our users: the orthogonal
// initializer's "Slowness may result" for every recurrent kernel above 2000 elements, and the
// cpu backend's "install our node backend" banner (our own backend log line already says which
// backend runs). These helpers drop exactly those while `fn` runs; other warnings pass through.

const NOISE: readonly RegExp[] = [/^Orthogonal initializer is being called/, /Hi, looks like you are running TensorFlow\.js in Node\.js/];

export function quietly<T>(fn: () => T): T {
  const restore = muteTfjsNoise();
  try {
    return fn();
  } finally {
    restore();
  }
}

export async function quietlyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const restore = muteTfjsNoise();
  try {
    return await fn();
  } finally {
    restore();
  }
}

function muteTfjsNoise(): () => void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const first = args[0];
    if (typeof first === 'string' && NOISE.some((re) => re.test(first))) return;
    warn(...args);
  };
  return () => {
    console.warn = warn;
  };
}
