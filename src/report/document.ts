// A run report as data: a title, an opening and an ordered list of sections, each a sequence of
// blocks. Section builders (./sections.ts, ./overfit.ts, a dataset kind's own evaluator) make
// them; ./markdown.ts and ./html.ts render them.

import type { Chart } from './charts.js';
import type { Table } from './tables.js';

/** A bullet; `lead`, when given, is set in bold before the text ("**lead**: text"). */
export interface ListItem {
  readonly lead?: string;
  readonly text: string;
}

/**
 * One piece of a section. Markdown shows every kind but charts (its tables carry the figures);
 * HTML shows them all, charts as inline SVG.
 */
export type ReportBlock =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly ListItem[] }
  | { readonly kind: 'table'; readonly table: Table }
  | { readonly kind: 'chart'; readonly chart: Chart }
  /** A verdict in bold with the reasons for it as bullets right under it (none: the line alone). */
  | { readonly kind: 'verdict'; readonly text: string; readonly reasons: readonly string[] }
  /** Preformatted lines (the fold plan). */
  | { readonly kind: 'code'; readonly lines: readonly string[] }
  /** A subsection, one heading level down. */
  | { readonly kind: 'section'; readonly section: ReportSection };

export interface ReportSection {
  /** Stable name (`classification`, `paths`, ...): what a caller looks for to place its own sections. */
  readonly id: string;
  readonly title: string;
  /** The HTML heading carries id="<id>", a link target. */
  readonly anchor?: boolean;
  /** Set apart in a box (the summary at the top). */
  readonly box?: boolean;
  readonly blocks: readonly ReportBlock[];
}

export interface ReportDocument {
  readonly title: string;
  /** Under the title, before the first section. */
  readonly intro: readonly ReportBlock[];
  readonly sections: readonly ReportSection[];
}

