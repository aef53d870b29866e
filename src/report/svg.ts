// Vega-Lite spec -> SVG text, in Node, with no DOM, canvas or network: vega-lite compiles the
// spec to Vega, vega renders it headless. The loader refuses every URL, so a spec can only use
// inline data (a report must not reach out).

import { compile } from 'vega-lite';
import * as vega from 'vega';
import type { VegaLiteSpec } from './charts.js';

const noNetwork = {
  load: (uri: string): Promise<string> => Promise.reject(new Error(`report charts use inline data only (asked for ${uri})`)),
  sanitize: (uri: string): Promise<{ href: string }> => Promise.reject(new Error(`report charts use inline data only (asked for ${uri})`)),
  http: (uri: string): Promise<string> => Promise.reject(new Error(`no network (${uri})`)),
  file: (uri: string): Promise<string> => Promise.reject(new Error(`no files (${uri})`)),
};

/** The first `data.url` anywhere in a spec, if any. */
function dataUrl(x: unknown): string | null {
  if (Array.isArray(x)) {
    for (const v of x) {
      const u = dataUrl(v);
      if (u !== null) return u;
    }
    return null;
  }
  if (x === null || typeof x !== 'object') return null;
  const o = x as Record<string, unknown>;
  const data = o['data'] as Record<string, unknown> | undefined;
  if (data && typeof data === 'object' && typeof data['url'] === 'string') return data['url'];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'values') continue; // inline rows: nothing to look for, and they are the bulk
    const u = dataUrl(v);
    if (u !== null) return u;
  }
  return null;
}

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // vega only logs a failed load and draws an empty chart; refuse up front instead.
  const url = dataUrl(spec);
  if (url !== null) throw new Error(`report charts use inline data only (asked for ${url})`);
  // vega-lite's TopLevelSpec type is too deep to restate; the specs come from ./charts.ts.
  const compiled = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: noNetwork as unknown as vega.Loader, logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
