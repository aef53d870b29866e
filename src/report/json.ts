// The run report as JSON (pure): the same sections as report.md and report.html, from the same
// document, with their text, tables (head and rows, as printed) and charts named; the numbers
// behind them are the evaluation's own fields in metrics.json. `bft walk-forward --json` and
// metrics.json carry it, so a pipeline finds a report section by its id.

import type { ReportBlock, ReportDocument, ReportSection } from './document.js';

export interface JsonTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface JsonSection {
  readonly id: string;
  readonly title: string;
  /** Text, list items, verdicts and their reasons, and preformatted lines, in order. */
  readonly text: readonly string[];
  readonly tables: readonly JsonTable[];
  /** Charts in report.html: id, title and caption (their data are in the evaluation). */
  readonly charts: readonly { readonly id: string; readonly title: string; readonly caption: string }[];
  readonly sections: readonly JsonSection[];
}

export interface JsonReport {
  readonly title: string;
  readonly sections: readonly JsonSection[];
}

function jsonSection(s: ReportSection): JsonSection {
  const text: string[] = [];
  const tables: JsonTable[] = [];
  const charts: JsonSection['charts'][number][] = [];
  const sections: JsonSection[] = [];
  const take = (b: ReportBlock): void => {
    switch (b.kind) {
      case 'text':
        text.push(b.text);
        break;
      case 'list':
        text.push(...b.items.map((i) => (i.lead !== undefined ? `${i.lead}: ${i.text}` : i.text)));
        break;
      case 'verdict':
        text.push(b.text, ...b.reasons);
        break;
      case 'code':
        text.push(...b.lines);
        break;
      case 'table':
        tables.push({ head: b.table.head, rows: b.table.rows });
        break;
      case 'chart':
        charts.push({ id: b.chart.id, title: b.chart.title, caption: b.chart.caption });
        break;
      case 'section':
        sections.push(jsonSection(b.section));
        break;
    }
  };
  s.blocks.forEach(take);
  return { id: s.id, title: s.title, text, tables, charts, sections };
}

/** The document's sections as data; blocks before the first section go into a leading 'intro' section. */
export function jsonDocument(d: ReportDocument): JsonReport {
  const intro = d.intro.length > 0 ? [jsonSection({ id: 'intro', title: d.title, blocks: d.intro })] : [];
  return { title: d.title, sections: [...intro, ...d.sections.map(jsonSection)] };
}
