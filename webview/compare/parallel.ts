// Parallel coordinates (params that differ, then final metric values) and a scatter of any
// metric's final value against any param. Labels are drawn as canvas text.
import { Chart, type ChartDataset, type Plugin } from 'chart.js';
import type { CompareModel } from '../../src/compare/model.ts';
import { type ParallelData, categoryPosition } from '../../src/compare/parallel.ts';
import { numericValues } from '../../src/compare/params.ts';
import { formatMetric, truncateLabel } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { type Theme, tooltipColors } from './theme.ts';

export interface PlotView {
  theme: Theme;
  color(id: number): string;
  hidden(id: number): boolean;
}

const axesByChart = new WeakMap<Chart, { data: ParallelData; theme: Theme }>();

/** Draws each parallel axis: a vertical line with its range (numeric) or its values (categorical). */
const parallelAxesPlugin: Plugin<'line'> = {
  id: 'mlParallelAxes',
  beforeDatasetsDraw(chart) {
    const entry = axesByChart.get(chart);
    if (!entry) return;
    const { ctx } = chart;
    const x = chart.scales.x!;
    const y = chart.scales.y!;
    const { theme, data } = entry;
    const ticksDrawn = new Map<string, number>();
    ctx.save();
    ctx.font = `${theme.fontSize - 2}px ${theme.font}`;
    ctx.fillStyle = theme.muted;
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 1;
    data.axes.forEach((axis, index) => {
      const px = x.getPixelForValue(index);
      ctx.beginPath();
      ctx.moveTo(px, y.getPixelForValue(0));
      ctx.lineTo(px, y.getPixelForValue(1));
      ctx.stroke();
      // Numeric axes: round ticks spread over the axis; categorical: each value, thinned to fit.
      const ticks: [number, string][] = axis.numeric
        ? axis.ticks.map((value) => [axis.max === axis.min ? 0.5 : (value - axis.min!) / (axis.max! - axis.min!), formatMetric(value)])
        : axis.categories.map((c, i) => [categoryPosition(i, axis.categories.length), c]);
      const height = Math.abs(y.getPixelForValue(0) - y.getPixelForValue(1));
      const step = Math.max(1, Math.ceil(ticks.length / Math.max(2, Math.floor(height / (theme.fontSize + 4)))));
      // Labels sit right of their axis (left of the last one) and are cut to the gap to the next axis.
      const last = index === data.axes.length - 1;
      const spacing = data.axes.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : 400;
      // The last two axes face each other: each gets half the gap.
      const gap = (index >= data.axes.length - 2 ? spacing / 2 : spacing) - 10;
      ctx.textAlign = last ? 'right' : 'left';
      ctx.textBaseline = 'middle';
      let drawn = 0;
      ticks.forEach(([position, text], i) => {
        if (i % step !== 0) return;
        const py = y.getPixelForValue(position);
        ctx.beginPath();
        ctx.moveTo(px - 3, py);
        ctx.lineTo(px + 3, py);
        ctx.stroke();
        ctx.fillText(fitText(ctx, text, gap), px + (last ? -6 : 6), py);
        drawn++;
      });
      ticksDrawn.set(axis.key, drawn);
    });
    ctx.restore();
    // The fewest labelled ticks of any numeric axis, for tests and assistive tools (the canvas is only pixels).
    const numeric = data.axes.filter((a) => a.numeric && a.ticks.length > 1).map((a) => ticksDrawn.get(a.key) ?? 0);
    chart.canvas.dataset.minTicks = String(numeric.length ? Math.min(...numeric) : 0);
  },
};

/** `text`, cut at the end with … so it fits `width` pixels. */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let keep = text.length;
  while (keep > 1 && ctx.measureText(`${text.slice(0, keep)}…`).width > width) keep--;
  return `${text.slice(0, keep)}…`;
}

export function parallelChart(canvas: HTMLCanvasElement, model: CompareModel, view: PlotView, existing: Chart | undefined): Chart | undefined {
  existing?.destroy();
  const data = model.parallel;
  if (!data || data.axes.length === 0) return undefined;
  const names = new Map(model.items.map((i) => [i.id, i.name]));
  const datasets: ChartDataset<'line', (number | null)[]>[] = data.ids.map((id, line) => ({
    label: names.get(id) ?? String(id),
    data: data.positions[line]!,
    borderColor: view.color(id),
    backgroundColor: view.color(id),
    borderWidth: view.theme.kind.startsWith('high') ? 2.5 : 1.5,
    pointRadius: 2.5,
    pointHoverRadius: 5,
    spanGaps: false,
    // Points on an axis' top or bottom tick are drawn whole.
    clip: false,
    hidden: view.hidden(id),
  }));
  const theme = view.theme;
  const font = { family: theme.font, size: theme.fontSize - 1 };
  const chart = new Chart<'line', (number | null)[], string>(canvas, {
    type: 'line',
    data: { labels: data.axes.map((a) => truncateLabel(a.key, 24)), datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: 12, bottom: 8, left: 8, right: 8 } },
      interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
      scales: {
        x: { type: 'category', offset: false, ticks: { color: theme.foreground, font, maxRotation: 30 }, grid: { display: false }, border: { display: false } },
        y: { type: 'linear', min: 0, max: 1, display: false },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipColors(theme),
          callbacks: {
            title: (items) => (items[0] ? truncateLabel(items[0].dataset.label ?? '', 80) : ''),
            label: (item) => `${truncateLabel(data.axes[item.dataIndex]!.key, 60)} = ${truncateLabel(data.labels[item.datasetIndex]![item.dataIndex] ?? '—', 80)}`,
          },
        },
      },
    },
    plugins: [parallelAxesPlugin],
  });
  axesByChart.set(chart, { data, theme });
  // The first draw (in the constructor) came before the axes were known: draw again with them.
  chart.draw();
  canvas.dataset.datasets = String(datasets.filter((d) => !d.hidden).length);
  canvas.dataset.axes = String(data.axes.length);
  return chart;
}

/** A param's value per run as x (numbers, or category positions), and a metric's final value as y. */
export function scatterChart(canvas: HTMLCanvasElement, model: CompareModel, param: string, metric: string, view: PlotView, existing: Chart | undefined): Chart | undefined {
  existing?.destroy();
  const params = model.params;
  const row = params?.keys.indexOf(param) ?? -1;
  if (!params || row < 0) return undefined;
  const values = model.items.map((item) => {
    const column = params.ids.indexOf(item.id);
    return column < 0 ? null : params.values[row]![column]!;
  });
  const numbers = numericValues(values);
  const categories = numbers ? [] : [...new Set(values.filter((v): v is string => v !== null))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const finals = new Map(model.summary.filter((s) => s.key === metric).map((s) => [s.id, s.last]));
  const datasets: ChartDataset<'scatter', { x: number; y: number }[]>[] = [];
  const shown: string[] = [];
  model.items.forEach((item, index) => {
    const raw = values[index];
    const last = finals.get(item.id);
    if (raw === null || raw === undefined || typeof last !== 'number') return;
    const x = numbers ? numbers[index]! : categories.indexOf(raw);
    if (x === null) return;
    shown.push(raw);
    datasets.push({ label: item.name, data: [{ x, y: last }], backgroundColor: view.color(item.id), borderColor: view.color(item.id), pointRadius: 5, pointHoverRadius: 7, clip: false, hidden: view.hidden(item.id) });
  });
  const theme = view.theme;
  const font = { family: theme.font, size: theme.fontSize - 1 };
  const xText = (value: number) => (numbers ? formatMetric(value) : Number.isInteger(value) ? truncateLabel(categories[value] ?? '', 20) : '');
  const chart = new Chart<'scatter', { x: number; y: number }[]>(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: 8 },
      scales: {
        x: {
          type: 'linear',
          // Room around the extreme points, so none sits on the plot's edge.
          grace: numbers ? '5%' : 0,
          ...(numbers ? {} : { min: -0.5, max: Math.max(0.5, categories.length - 0.5) }),
          title: { display: true, text: truncateLabel(param, 60), color: theme.muted, font },
          ticks: { color: theme.muted, font, ...(numbers ? {} : { stepSize: 1 }), callback: (v) => xText(Number(v)) },
          grid: { color: theme.grid },
        },
        y: { grace: '5%', title: { display: true, text: `${truncateLabel(metric, 60)} (final)`, color: theme.muted, font }, ticks: { color: theme.muted, font, callback: (v) => formatMetric(Number(v)) }, grid: { color: theme.grid } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipColors(theme),
          callbacks: {
            title: (items) => (items[0] ? truncateLabel(items[0].dataset.label ?? '', 80) : ''),
            label: (item) => `${truncateLabel(param, 40)} = ${truncateLabel(shown[item.datasetIndex] ?? '', 40)}, ${truncateLabel(metric, 40)} = ${formatMetric(item.parsed.y)}`,
          },
        },
      },
    },
  });
  canvas.dataset.datasets = String(datasets.filter((d) => !d.hidden).length);
  return chart;
}

export function plotCanvas(testId: string, label: string): HTMLCanvasElement {
  return el('canvas', { 'data-testid': testId, role: 'img', 'aria-label': label, 'data-datasets': '0' });
}
