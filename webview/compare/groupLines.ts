// One Compare Groups chart: per group its mean line with a band (min–max or ±1 std) and, on
// demand, its member runs drawn faint behind it. The series arrive packed (see packColumns).
import { Chart, type ChartDataset, type ChartOptions, type TooltipItem } from 'chart.js';
import type { GroupSeries, GroupsChart } from '../../src/compare/groupsModel.ts';
import { GROUP_LINE_COLUMNS } from '../../src/compare/groups.ts';
import { unpackColumns } from '../../src/compare/packColumns.ts';
import type { GroupBand } from '../../src/contract/compare.ts';
import { formatMetric, truncateLabel } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { formatX } from './xAxis.ts';
import { type Theme, tooltipColors, withAlpha } from './theme.ts';

export interface GroupView {
  theme: Theme;
  band: GroupBand;
  members: boolean;
  labels: readonly string[];
  runNames: Record<string, string>;
  color(group: number): string;
  hidden(group: number): boolean;
}

export interface GroupHost {
  view(): GroupView;
  request(key: string, pixels: number, members: boolean): number;
}

type Point = { x: number; y: number | null };
type Role = { kind: 'mean'; group: number; count: Float64Array; nan: Float64Array; lo: Float64Array; hi: Float64Array; members: number } | { kind: 'band' | 'member'; group: number };

const point = (x: number, y: number): Point => ({ x, y: Number.isFinite(y) ? y : null });

/** Faint enough that a group's mean stays readable over ten of its runs. */
const MEMBER_ALPHA = 0.15;

/** Thicker with member runs behind, so near-equal means stay apart from the members. */
const meanWidth = (view: GroupView): number => (view.theme.kind.startsWith('high') ? 3 : 2) + (view.members ? 1 : 0);

/** A line of one finite point (a metric logged at one step) draws nothing unless it has a marker. */
function meanMarkers(mean: Float64Array): { pointRadius: number } | Record<string, never> {
  let finite = 0;
  for (const y of mean) if (Number.isFinite(y) && ++finite > 1) return {};
  return { pointRadius: 4 };
}

export class GroupChart {
  readonly key: string;
  readonly card: HTMLElement;
  private spec: GroupsChart;
  private readonly host: GroupHost;
  private readonly canvas: HTMLCanvasElement;
  private readonly info: HTMLElement;
  private chart: Chart<'line', Point[]> | undefined;
  private series: GroupSeries | undefined;
  private roles: Role[] = [];
  private pending: number | null = null;
  private loaded = '';

  constructor(spec: GroupsChart, host: GroupHost) {
    this.key = spec.key;
    this.spec = spec;
    this.host = host;
    this.canvas = el('canvas', { 'data-testid': 'group-chart', 'data-metric': spec.key, 'data-state': 'loading', 'data-groups': '0', 'data-members': '0', tabindex: '0', role: 'img' });
    this.info = el('p', { class: 'chart-info', 'aria-live': 'polite' }, 'Loading…');
    this.card = el('section', { class: 'chart-card', 'data-testid': 'chart-card', 'data-metric': spec.key }, el('header', {}, el('h2', { title: spec.key }, spec.key)), this.info, el('div', { class: 'chart-box' }, this.canvas));
  }

  /** A new spec (or the members toggle): read again when the lines changed or members are wanted and missing. */
  update(spec: GroupsChart): void {
    this.spec = spec;
    const want = `${spec.signature}|${this.host.view().members}`;
    if (want !== this.loaded && this.pending === null) this.load();
    else this.render();
  }

  private load(): void {
    const members = this.host.view().members;
    this.loaded = `${this.spec.signature}|${members}`;
    const width = Math.max(50, (this.canvas.parentElement?.clientWidth ?? 600) - 70);
    this.pending = this.host.request(this.key, width, members);
    this.canvas.dataset.state = 'loading';
  }

  receive(requestId: number, series: GroupSeries): void {
    if (requestId !== this.pending) return;
    this.pending = null;
    this.series = series;
    this.render();
    // The toggle or new points may have come while this request was out.
    if (`${this.spec.signature}|${this.host.view().members}` !== this.loaded) this.load();
  }

  failed(requestId: number, message: string): void {
    if (requestId !== this.pending) return;
    this.pending = null;
    this.info.textContent = message;
    this.canvas.dataset.state = 'error';
  }

  render(): void {
    const series = this.series;
    if (!series) return;
    const view = this.host.view();
    const columns = unpackColumns(series.packed);
    const datasets: ChartDataset<'line', Point[]>[] = [];
    this.roles = [];
    const base = { pointRadius: 0, pointHoverRadius: 3, pointHitRadius: 4, tension: 0, spanGaps: false, parsing: false as const, normalized: true };
    let next = 0;
    let shown = 0;
    const lines: { group: number; datasets: ChartDataset<'line', Point[]>[]; roles: Role[] }[] = [];
    for (const meta of series.layout.groups) {
      const [step, mean, count, nan, minLo, minHi, stdLo, stdHi] = columns.slice(next, next + GROUP_LINE_COLUMNS.length);
      next += GROUP_LINE_COLUMNS.length;
      const hidden = view.hidden(meta.index);
      if (!hidden) shown++;
      const color = view.color(meta.index);
      const label = view.labels[meta.index] ?? `group ${meta.index + 1}`;
      const [lo, hi] = view.band === 'std' ? [stdLo!, stdHi!] : [minLo!, minHi!];
      const xs = Array.from(step!);
      lines.push({
        group: meta.index,
        datasets: [
          { ...base, label: `${label} band`, hidden, data: xs.map((x, i) => point(x, lo[i]!)), borderColor: 'transparent', backgroundColor: 'transparent', borderWidth: 0, pointHoverRadius: 0, order: 3 },
          { ...base, label: `${label} band`, hidden, data: xs.map((x, i) => point(x, hi[i]!)), borderColor: 'transparent', backgroundColor: withAlpha(color, view.theme.kind.startsWith('high') ? 0.28 : 0.18), borderWidth: 0, pointHoverRadius: 0, fill: '-1', order: 3 },
          { ...base, ...meanMarkers(mean!), label, hidden, data: xs.map((x, i) => point(x, mean![i]!)), borderColor: color, backgroundColor: color, borderWidth: meanWidth(view), order: 0 },
        ],
        roles: [{ kind: 'band', group: meta.index }, { kind: 'band', group: meta.index }, { kind: 'mean', group: meta.index, count: count!, nan: nan!, lo, hi, members: meta.members }],
      });
    }
    let memberLines = 0;
    for (const member of series.layout.members) {
      const [x, y] = columns.slice(next, next + 2);
      next += 2;
      if (!view.members || view.hidden(member.group)) continue;
      memberLines++;
      datasets.push({ ...base, label: view.runNames[String(member.id)] ?? `run ${member.id}`, data: Array.from(x!, (v, i) => point(v, y![i]!)), borderColor: withAlpha(view.color(member.group), MEMBER_ALPHA), backgroundColor: 'transparent', borderWidth: 1, pointHoverRadius: 0, order: 2 });
      this.roles.push({ kind: 'member', group: member.group });
    }
    for (const line of lines) {
      datasets.push(...line.datasets);
      this.roles.push(...line.roles);
    }
    this.canvas.dataset.groups = String(shown);
    this.canvas.dataset.members = String(memberLines);
    this.canvas.dataset.band = view.band;
    this.canvas.dataset.state = 'ready';
    const total = series.layout.groups.length;
    const parts = [shown === total ? `${total} group${total === 1 ? '' : 's'}` : `${shown} of ${total} groups shown`, `mean with ${view.band === 'std' ? '±1 std' : 'min–max'} band`];
    if (memberLines) parts.push(`${memberLines} member runs`);
    this.info.textContent = parts.join(' · ');
    this.info.title = 'Each line is the mean of the group\'s runs at each step, over the runs that logged that step (NaN left out). Computed from every logged point; the drawn points keep each pixel column\'s first, lowest, highest and last mean.';
    this.canvas.setAttribute('aria-label', `Line chart of ${truncateLabel(this.key, 200)}: mean of ${shown} groups with a ${view.band === 'std' ? 'plus or minus one standard deviation' : 'min to max'} band.`);
    const options = this.options(view);
    if (!this.chart) this.chart = new Chart<'line', Point[]>(this.canvas, { type: 'line', data: { datasets }, options });
    else {
      this.chart.data.datasets = datasets;
      this.chart.options = options;
      this.chart.update('none');
    }
  }

  private options(view: GroupView): ChartOptions<'line'> {
    const theme = view.theme;
    const font = { family: theme.font, size: theme.fontSize - 1 };
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'eachLine', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step', color: theme.muted, font }, ticks: { color: theme.muted, font, maxRotation: 0, precision: 0, callback: (value) => formatX(Number(value), 'step') }, grid: { color: theme.grid }, border: { color: theme.grid } },
        y: { type: 'linear', ticks: { color: theme.muted, font, callback: (value) => formatMetric(Number(value)) }, grid: { color: theme.grid }, border: { color: theme.grid } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipColors(theme),
          titleFont: font,
          bodyFont: font,
          filter: (item) => this.roles[item.datasetIndex]?.kind === 'mean',
          itemSort: (a, b) => (b.parsed.y ?? -Infinity) - (a.parsed.y ?? -Infinity),
          callbacks: {
            title: (items) => {
              this.canvas.dataset.tooltip = items.map((item) => item.dataset.label ?? '').join('\n');
              return items[0] ? `step ${formatX(items[0].parsed.x ?? 0, 'step')}` : '';
            },
            labelColor: (item) => ({ borderColor: view.color(this.roles[item.datasetIndex]?.group ?? 0), backgroundColor: view.color(this.roles[item.datasetIndex]?.group ?? 0) }),
            label: (item) => this.tooltipLabel(item, view),
          },
        },
      },
    };
  }

  /** The mean, what it is over (runs without the step, NaN left out) and the band at that point. */
  private tooltipLabel(item: TooltipItem<'line'>, view: GroupView): string[] {
    const role = this.roles[item.datasetIndex];
    const name = truncateLabel(item.dataset.label ?? '', 60);
    if (role?.kind !== 'mean') return [name];
    const i = item.dataIndex;
    const count = role.count[i]!;
    const nan = role.nan[i]!;
    const missing = role.members - count - nan;
    const over = [`mean of ${count} of ${role.members} runs`];
    if (missing > 0) over.push(`${missing} ha${missing === 1 ? 's' : 've'} no value at this step`);
    if (nan > 0) over.push(`${nan} NaN left out`);
    const band = `${view.band === 'std' ? '±1 std' : 'min–max'} ${formatMetric(role.lo[i])} – ${formatMetric(role.hi[i])} (over this pixel column)`;
    return [`${name}: ${formatMetric(item.parsed.y)}`, `  ${over.join('; ')}`, `  ${band}`];
  }

  destroy(): void {
    this.chart?.destroy();
    this.card.remove();
  }
}
