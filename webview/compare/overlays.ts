// What is drawn over a metric chart's lines: target lines (from framing), the cross that ends a
// failed or killed run's line, and the tooltip's "every line at this x" interaction.
import { type Chart, Interaction, type InteractionItem, type InteractionModeFunction, type Plugin, type ScriptableContext } from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';
import type { TargetLine } from '../../src/compare/model.ts';
import { formatMetric } from '../../src/shared/format.ts';
import type { Theme } from './theme.ts';

type Point = { x: number; y: number | null };

const targetsByChart = new WeakMap<Chart, { targets: TargetLine[]; theme: Theme }>();

/** The targets a chart draws (after its datasets are set). */
export function setChartTargets(chart: Chart, targets: TargetLine[], theme: Theme): void {
  targetsByChart.set(chart, { targets, theme });
}

/** Targets that share a value are one line, labelled once (outside the plot, in the chart's legend). */
export function targetGroups(targets: readonly TargetLine[]): { value: number; text: string }[] {
  const byValue = new Map<number, string[]>();
  for (const target of targets) byValue.set(target.value, [...(byValue.get(target.value) ?? []), target.label.replace(/^target( · )?/, '')]);
  return [...byValue].map(([value, names]) => {
    const named = names.filter(Boolean);
    return { value, text: `target ${formatMetric(value)}${named.length ? ` · ${named.join(', ')}` : ''}` };
  });
}

/** Draws each target as a dashed horizontal line; its label is in the legend, never over the data. */
export const targetLinePlugin: Plugin<'line'> = {
  id: 'mlTargetLine',
  beforeDatasetsDraw(chart) {
    const entry = targetsByChart.get(chart);
    if (!entry?.targets.length) return;
    const { ctx, chartArea: area } = chart;
    const y = chart.scales.y!;
    for (const { value } of targetGroups(entry.targets)) {
      const py = y.getPixelForValue(value);
      if (!Number.isFinite(py) || py < area.top - 0.5 || py > area.bottom + 0.5) continue;
      ctx.save();
      ctx.strokeStyle = entry.theme.foreground;
      ctx.lineWidth = 1;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(area.left, py);
      ctx.lineTo(area.right, py);
      ctx.stroke();
      ctx.restore();
    }
  },
};

declare module 'chart.js' {
  interface InteractionModeMap {
    eachLine: InteractionModeFunction;
  }
}

/** Faint raw lines behind smoothed ones are left out of the tooltip. */
export const RAW = Symbol('raw line');

/**
 * The tooltip's interaction: for every visible line, its point nearest the pointer's x (within
 * 40 px and with a value), so the tooltip lists every run at the hovered x, as W&B and TensorBoard do.
 */
const eachLine: InteractionModeFunction = (chart, event, _options, useFinalPosition) => {
  const position = getRelativePosition(event, chart);
  const area = chart.chartArea;
  if (position.x < area.left || position.x > area.right || position.y < area.top || position.y > area.bottom) return [];
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((dataset, datasetIndex) => {
    if (!chart.isDatasetVisible(datasetIndex) || (dataset as unknown as Record<symbol, boolean>)[RAW]) return;
    const points = chart.getDatasetMeta(datasetIndex).data;
    const data = dataset.data as Point[];
    const xOf = (i: number) => (points[i]!.getProps(['x'], useFinalPosition) as { x: number }).x;
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xOf(mid) < position.x) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    for (const i of [lo - 1, lo, lo + 1]) {
      if (i < 0 || i >= points.length || data[i]?.y === null || data[i]?.y === undefined) continue;
      if (best < 0 || Math.abs(xOf(i) - position.x) < Math.abs(xOf(best) - position.x)) best = i;
    }
    if (best >= 0 && Math.abs(xOf(best) - position.x) <= 40) items.push({ element: points[best]!, datasetIndex, index: best });
  });
  return items;
};
Interaction.modes.eachLine = eachLine;

/** The index of a line's last drawn point (with a value), or -1. */
export function lastDrawnIndex(ys: readonly (number | null)[]): number {
  for (let i = ys.length - 1; i >= 0; i--) if (ys[i] !== null) return i;
  return -1;
}

/**
 * Dataset options that end a line in a cross at `index`: a failed or killed run's last point,
 * so the line visibly stops there rather than fading out like one still running.
 */
export function endMarker(index: number, highContrast: boolean) {
  const at = (context: ScriptableContext<'line'>) => context.dataIndex === index;
  return {
    pointStyle: 'crossRot' as const,
    pointRadius: (context: ScriptableContext<'line'>) => (at(context) ? 6 : 0),
    pointHoverRadius: (context: ScriptableContext<'line'>) => (at(context) ? 7 : 3),
    pointBorderWidth: (context: ScriptableContext<'line'>) => (at(context) ? (highContrast ? 3 : 2.5) : 1),
  };
}

export type { Point };
