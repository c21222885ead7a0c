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
      const ticks: [number, string][] = axis.numeric
        ? [
            [0, formatMetric(axis.min)],
            [1, formatMetric(axis.max)],
          ]
        : axis.categories.map((c, i) => [categoryPosition(i, axis.categories.length), truncateLabel(c, 18)]);
      const step = Math.max(1, Math.ceil(ticks.length / 12));
      ticks.forEach(([position, text], i) => {
        if (i % step !== 0 && i !== ticks.length - 1) return;
        // The top value sits above its axis; the others beside it, clear of the axis names below.
        const top = position >= 1;
        ctx.textBaseline = top ? 'bottom' : position <= 0 ? 'bottom' : 'middle';
        const last = index === data.axes.length - 1;
        ctx.textAlign = top ? (index === 0 ? 'left' : last ? 'right' : 'center') : last ? 'right' : 'left';
        const dx = top ? (index === 0 ? 4 : last ? -4 : 0) : last ? -4 : 4;
        ctx.fillText(text, px + dx, y.getPixelForValue(position) - 2);
      });
    });
    ctx.restore();
  },
};

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
      layout: { padding: { top: 18, bottom: 4, left: 8, right: 8 } },
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
    datasets.push({ label: item.name, data: [{ x, y: last }], backgroundColor: view.color(item.id), borderColor: view.color(item.id), pointRadius: 5, pointHoverRadius: 7, hidden: view.hidden(item.id) });
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
      scales: {
        x: {
          type: 'linear',
          ...(numbers ? {} : { min: -0.5, max: Math.max(0.5, categories.length - 0.5) }),
          title: { display: true, text: truncateLabel(param, 60), color: theme.muted, font },
          ticks: { color: theme.muted, font, ...(numbers ? {} : { stepSize: 1 }), callback: (v) => xText(Number(v)) },
          grid: { color: theme.grid },
        },
        y: { title: { display: true, text: `${truncateLabel(metric, 60)} (final)`, color: theme.muted, font }, ticks: { color: theme.muted, font, callback: (v) => formatMetric(Number(v)) }, grid: { color: theme.grid } },
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
