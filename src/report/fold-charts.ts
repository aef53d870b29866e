// The fold plan drawn (pure): a timeline of every fold's training, validation, purged and test
// spans, and for CPCV the matrix of which groups each fold tests and which backtest path takes them.

import type { DatedPlan, DatedSpan } from '../eval/plan/folds.js';
import { base, timeAxis, WIDTH, type Chart } from './chart-kit.js';

export type SegmentKind = 'train' | 'validation' | 'purged / embargoed' | 'test';

const SEGMENTS: readonly SegmentKind[] = ['train', 'validation', 'purged / embargoed', 'test'];
const SEGMENT_COLOURS = ['#9ecae1', '#fdd49e', '#d9d9d9', '#08519c'];

export interface TimelineSegment {
  readonly fold: number;
  readonly kind: SegmentKind;
  readonly from: string;
  readonly to: string;
}

/**
 * Every fold's spans as segments in date order; a gap between two used spans of a fold is what the
 * plan purged or embargoed there (labels overlapping the test, or days right after it). Days after
 * a fold's last span are simply unused (an expanding window's future) and are not drawn.
 */
export function timelineSegments(plan: DatedPlan): TimelineSegment[] {
  const out: TimelineSegment[] = [];
  for (const f of plan.folds) {
    const spans: { kind: SegmentKind; s: DatedSpan }[] = [
      ...f.train.map((s) => ({ kind: 'train' as const, s })),
      ...f.validation.map((s) => ({ kind: 'validation' as const, s })),
      ...f.test.map((s) => ({ kind: 'test' as const, s })),
    ].sort((a, b) => (a.s.from < b.s.from ? -1 : a.s.from > b.s.from ? 1 : 0));
    spans.forEach(({ kind, s }, i) => {
      const prev = spans[i - 1];
      if (prev && nextDay(prev.s.to) < s.from) out.push({ fold: f.index, kind: 'purged / embargoed', from: prev.s.to, to: s.from });
      out.push({ fold: f.index, kind, from: s.from, to: s.to });
    });
  }
  return out;
}

const nextDay = (iso: string): string => new Date(Date.parse(iso) + 86_400_000).toISOString().slice(0, 10);

export function foldTimelineChart(plan: DatedPlan): Chart {
  const segments = timelineSegments(plan);
  const folds = plan.folds.map((f) => `fold ${f.index}`);
  const dates = segments.flatMap((s) => [s.from, s.to]).sort();
  const rowHeight = folds.length > 40 ? 6 : 12;
  return {
    id: 'fold-timeline',
    title: 'Fold timeline',
    caption: `Each fold's training, validation and test spans by date (${plan.config.scheme} scheme); grey gaps are samples purged or embargoed because their labels would overlap the test span. Every model and seed of a fold trains on the same spans.`,
    spec: {
      ...base(`Fold timeline (${plan.folds.length} folds)`),
      height: Math.max(80, rowHeight * folds.length),
      data: { values: segments.map((s) => ({ fold: `fold ${s.fold}`, kind: s.kind, from: s.from, to: s.to })) },
      mark: { type: 'bar', height: { band: 0.8 } },
      encoding: {
        x: timeAxis([dates[0]!, dates.at(-1)!], 'from', false),
        x2: { field: 'to' },
        y: { field: 'fold', type: 'ordinal', sort: folds, title: null, axis: folds.length > 30 ? { labels: false, ticks: false } : {} },
        color: { field: 'kind', type: 'nominal', sort: SEGMENTS, scale: { domain: SEGMENTS, range: SEGMENT_COLOURS }, legend: { title: null } },
      },
    },
  };
}

/** CPCV only: folds by groups, the tested groups dark and labelled with the path that takes them. */
export function groupMatrixChart(plan: DatedPlan): Chart | null {
  if (!plan.cpcv) return null;
  const { groups, pathFolds } = plan.cpcv;
  const labels = groups.map((g, i) => `${i}: ${g.from.slice(0, 7)}`);
  const cells: Record<string, unknown>[] = [];
  for (const f of plan.folds) {
    const tested = new Set(f.testGroups ?? []);
    groups.forEach((_, g) => {
      const path = pathFolds.findIndex((p) => p[g] === f.index);
      cells.push({ fold: `fold ${f.index}`, group: labels[g], role: tested.has(g) ? 'test' : 'train', path: tested.has(g) && path >= 0 ? `p${path}` : '' });
    });
  }
  const folds = plan.folds.map((f) => `fold ${f.index}`);
  return {
    id: 'cpcv-groups',
    title: 'CPCV group matrix',
    caption: `Which of the ${groups.length} groups (labelled by their first month) each fold tests (dark) and trains on (light, less the purged edges); the label in a tested cell is the backtest path that takes that fold's predictions of the group (${plan.cpcv.paths} paths).`,
    spec: {
      ...base('CPCV: tested groups per fold'),
      width: Math.min(WIDTH, 60 * groups.length),
      height: Math.max(80, 16 * folds.length),
      data: { values: cells },
      encoding: {
        x: { field: 'group', type: 'ordinal', sort: labels, title: 'group', axis: { labelAngle: -30 } },
        y: { field: 'fold', type: 'ordinal', sort: folds, title: null },
      },
      layer: [
        { mark: { type: 'rect', stroke: 'white' }, encoding: { color: { field: 'role', type: 'nominal', scale: { domain: ['train', 'test'], range: ['#c6dbef', '#08519c'] }, legend: { title: null } } } },
        { mark: { type: 'text', fontSize: 10, color: 'white' }, encoding: { text: { field: 'path' } } },
      ],
    },
  };
}
