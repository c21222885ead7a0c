// One line chart per metric: M4 series per run, smoothing, x-axis modes, zoom that asks the
// extension for the zoomed range's own M4 series, and the target line.
import { Chart, type ChartDataset, type ChartOptions, type TooltipItem } from 'chart.js';
import type { ChartSpec, CompareItem, XMode } from '../../src/compare/model.ts';
import type { Series, SeriesSet } from '../../src/compare/m4.ts';
import { smooth, type SmoothingMode } from '../../src/compare/smoothing.ts';
import { timeTicks } from '../../src/compare/timeAxis.ts';
import { formatDuration, formatMetric, truncateLabel, formatCount } from '../../src/shared/format.ts';
import { endedEarly } from '../../src/compare/wideSummary.ts';
import { el } from '../shared/vscode.ts';
import { type Point, RAW, endMarker, lastDrawnIndex, setChartTargets, targetGroups, targetLinePlugin } from './overlays.ts';
import { type Theme, tooltipColors, withAlpha } from './theme.ts';
import { X_TITLES, displayX, formatX, tooltipTitle } from './xAxis.ts';

/** What the charts need from the page. */
export interface ChartView {
  theme: Theme;
  items: Map<number, CompareItem>;
  xMode: XMode;
  smoothing: SmoothingMode;
  strength: number;
  logScale: boolean;
  /** What a bucket's width counts: steps (runs) or milliseconds (production metrics over time). */
  bucketUnit: 'steps' | 'ms';
  color(id: number): string;
  hidden(id: number): boolean;
  /** The last step a run logged for a metric (from the summary), to tell its real end from a zoom's edge. */
  lastStep(id: number, key: string): number | undefined;
}

export interface ChartHost {
  view(): ChartView;
  /** Asks for series `pixels` wide over `range` (null: everything); returns the request id. */
  request(key: string, pixels: number, range: { lo: number; hi: number } | null): number;
}

interface DatasetInfo {
  id: number;
  role: 'line' | 'raw' | 'smoothed';
  /** Indexes of points located only to a block (their value is exact, their step is not). */
  approx: Set<number>;
  /** Where a failed or killed run's line ends in a cross, and why. */
  end: { index: number; status: 'FAILED' | 'KILLED' } | null;
}

export class MetricChart {
  readonly key: string;
  readonly card: HTMLElement;
  private spec: ChartSpec;
  private readonly host: ChartHost;
  private readonly canvas: HTMLCanvasElement;
  private readonly info: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly resetButton: HTMLButtonElement;
  private chart: Chart<'line', Point[]> | undefined;
  private infos: DatasetInfo[] = [];
  private set: SeriesSet | undefined;
  /** The x window the user zoomed to (in the current x mode), or null for everything. */
  private window: { min: number; max: number } | null = null;
  /** The range (in the series' own coordinate) the shown data was read for; null: everything. */
  private range: { lo: number; hi: number } | null = null;
  private pending: number | null = null;
  private loadedSignature = '';
  /** Chart width the shown series were read for: a much wider chart reads them again. */
  private loadedWidth = 0;
  private visible = false;
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(spec: ChartSpec, host: ChartHost) {
    this.key = spec.key;
    this.spec = spec;
    this.host = host;
    this.canvas = el('canvas', { 'data-testid': 'chart', 'data-metric': spec.key, 'data-datasets': '0', 'data-state': 'loading', tabindex: '0', role: 'img' });
    this.info = el('p', { class: 'chart-info', 'aria-live': 'polite' }, 'Loading…');
    this.legend = el('p', { class: 'chart-targets', 'data-testid': 'chart-targets' });
    this.resetButton = el('button', { class: 'icon-button', type: 'button', title: 'Reset zoom', 'aria-label': `Reset zoom of ${truncateLabel(spec.key, 80)}`, 'data-testid': 'chart-reset' }, el('span', { class: 'codicon codicon-discard', 'aria-hidden': 'true' }));
    this.resetButton.hidden = true;
    this.resetButton.addEventListener('click', () => this.resetZoom());
    const title = el('h2', { title: spec.key }, spec.key);
    this.card = el('section', { class: 'chart-card', 'data-testid': 'chart-card', 'data-metric': spec.key }, el('header', {}, title, this.resetButton), this.info, el('div', { class: 'chart-box' }, this.canvas), this.legend);
    this.canvas.addEventListener('keydown', (event) => this.onKey(event));
    new ResizeObserver(() => {
      if (this.visible && this.set && this.pending === null && this.plotWidth() > this.loadedWidth * 1.3) this.load();
    }).observe(this.canvas.parentElement!);
    this.canvas.addEventListener('dblclick', () => this.resetZoom());
    this.describe();
  }

  /** A new spec from a model update: re-read the series if its lines got new points. */
  update(spec: ChartSpec): void {
    this.spec = spec;
    this.describe();
    if (spec.signature !== this.loadedSignature && this.visible) this.load();
    else this.render();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && (this.set === undefined || this.spec.signature !== this.loadedSignature) && this.pending === null) this.load();
  }

  /** Whether a series reply answers this chart's latest request. */
  receive(requestId: number, set: SeriesSet): boolean {
    if (requestId !== this.pending) return false;
    this.pending = null;
    this.set = set;
    this.render();
    return true;
  }

  failed(requestId: number, message: string): void {
    if (requestId !== this.pending) return;
    this.pending = null;
    this.info.textContent = message;
    this.canvas.dataset.state = 'error';
  }

  /** The x mode changed: windows in the old mode mean nothing in the new one. */
  resetWindow(): void {
    if (this.window || this.range) this.resetZoom();
    else this.render();
  }

  resetZoom(): void {
    this.window = null;
    this.chart?.resetZoom('none');
    this.resetButton.hidden = true;
    if (this.range) {
      this.range = null;
      this.load();
    } else this.render();
  }

  private plotWidth(): number {
    return Math.max(50, Math.round(this.chart?.chartArea ? this.chart.chartArea.right - this.chart.chartArea.left : this.canvas.parentElement!.clientWidth - 70));
  }

  private load(): void {
    this.loadedSignature = this.spec.signature;
    this.loadedWidth = this.plotWidth();
    this.pending = this.host.request(this.key, this.loadedWidth, this.range);
    this.canvas.dataset.state = 'loading';
  }

  private describe(): void {
    this.canvas.setAttribute('aria-label', `Line chart of ${truncateLabel(this.key, 200)} for ${this.spec.ids.length} ${this.spec.ids.length === 1 ? 'line' : 'lines'}. Plus and minus zoom, arrow keys pan, 0 resets.`);
  }

  /** Rebuilds datasets and options from the data and the page's settings (smoothing, axis, theme…). */
  render(): void {
    const set = this.set;
    if (!set) return;
    const view = this.host.view();
    const datasets: ChartDataset<'line', Point[]>[] = [];
    this.infos = [];
    let lines = 0;
    let drawn = 0;
    let logged = 0;
    let hiddenNonPositive = 0;
    let ended = 0;
    const smoothing = view.smoothing !== 'off' && view.strength > 0;
    for (const series of set.series) {
      const item = view.items.get(series.id);
      if (!item || series.x.length === 0) continue;
      const xs = displayX(series, item, view.xMode);
      // NaN marks a gap; a log scale cannot draw values <= 0 either.
      const ys = Array.from(series.y, (y) => (Number.isNaN(y) || (view.logScale && y <= 0) ? null : y));
      if (view.logScale) hiddenNonPositive += series.y.filter((y) => y <= 0).length;
      const approx = new Set(series.approx);
      const color = view.color(series.id);
      const hidden = view.hidden(series.id);
      const base = { label: item.name, hidden, pointRadius: 0, pointHoverRadius: 3, pointHitRadius: 4, tension: 0, spanGaps: false, normalized: view.xMode === 'step', parsing: false as const };
      const raw = Array.from(xs, (x, i) => ({ x, y: ys[i]! }));
      const end = this.endOf(series, ys, item, view);
      const marker = end ? endMarker(end.index, view.theme.kind.startsWith('high')) : {};
      if (end) ended++;
      if (smoothing) {
        datasets.push({ ...base, data: raw, borderColor: withAlpha(color, 0.3), backgroundColor: withAlpha(color, 0.3), borderWidth: 1, order: 2, [RAW]: true } as ChartDataset<'line', Point[]>);
        this.infos.push({ id: series.id, role: 'raw', approx, end: null });
        const smoothed = smooth(ys, view.smoothing, view.strength);
        datasets.push({ ...base, ...marker, data: Array.from(xs, (x, i) => ({ x, y: smoothed[i]! })), borderColor: color, backgroundColor: color, borderWidth: 2, order: 1 });
        this.infos.push({ id: series.id, role: 'smoothed', approx: new Set(), end });
      } else {
        datasets.push({ ...base, ...marker, data: raw, borderColor: color, backgroundColor: color, borderWidth: view.theme.kind.startsWith('high') ? 2 : 1.5 });
        this.infos.push({ id: series.id, role: 'line', approx, end });
      }
      if (!hidden) lines++;
      drawn += series.x.length;
      logged += series.points;
    }
    this.canvas.dataset.datasets = String(lines);
    this.canvas.dataset.ended = String(ended);
    this.canvas.dataset.points = String(drawn);
    this.canvas.dataset.state = 'ready';
    // One short line; how the points were drawn (M4) is in its tooltip.
    const noun = view.bucketUnit === 'ms' ? 'version' : 'run';
    const total = this.spec.ids.length;
    const parts = [lines === total ? `${total} ${noun}${total === 1 ? '' : 's'}` : `${lines} of ${total} ${noun}s shown`];
    if (this.spec.direction) parts.push(this.spec.direction === 'min' ? 'lower is better' : 'higher is better');
    if (this.range) parts.push(`zoomed: ${formatCount(logged)} points in view`);
    if (hiddenNonPositive) parts.push(`${formatCount(hiddenNonPositive)} values ≤ 0 not drawn`);
    this.info.textContent = parts.join(' · ');
    const details = [`${formatCount(logged)} points logged${this.range ? ' in view' : ''}`];
    if (set.plan && logged > drawn) {
      const width = view.bucketUnit === 'steps' ? `${formatCount(set.plan.width)} steps` : formatDuration(set.plan.width);
      details.push(`${formatCount(drawn)} drawn: the first, min, max and last point of every ${width} (M4), so no spike is lost`);
    }
    this.info.title = details.join('\n');
    const targets = targetGroups(view.logScale ? this.spec.targets.filter((t) => t.value > 0) : this.spec.targets);
    this.legend.replaceChildren(
      ...targets.map((t) => el('span', { class: 'chart-target' }, el('span', { class: 'target-swatch', 'aria-hidden': 'true' }), t.text)),
      ...(ended ? [el('span', { class: 'chart-target', 'data-testid': 'ended-legend' }, el('span', { class: 'end-mark', 'aria-hidden': 'true' }, '✕'), 'last point of a failed or killed run')] : []),
    );
    this.legend.hidden = targets.length === 0 && ended === 0;
    const options = this.options(view);
    if (!this.chart) {
      this.chart = new Chart<'line', Point[]>(this.canvas, { type: 'line', data: { datasets }, options, plugins: [targetLinePlugin] });
    } else {
      this.chart.data.datasets = datasets;
      this.chart.options = options;
      this.chart.update('none');
    }
    setChartTargets(this.chart, view.logScale ? this.spec.targets.filter((t) => t.value > 0) : this.spec.targets, view.theme);
    this.chart.draw();
  }

  private options(view: ChartView): ChartOptions<'line'> {
    const theme = view.theme;
    const font = { family: theme.font, size: theme.fontSize - 1 };
    const targets = view.logScale ? this.spec.targets.filter((t) => t.value > 0) : this.spec.targets;
    const targetValues = targets.map((t) => t.value);
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      // Steps are sorted; times usually are, but a resumed run can log an older step later.
      normalized: view.xMode === 'step',
      spanGaps: false,
      interaction: { mode: 'eachLine', intersect: false },
      color: theme.foreground,
      font,
      scales: {
        x: {
          type: 'linear',
          ...(this.window ? { min: this.window.min, max: this.window.max } : {}),
          title: { display: true, text: X_TITLES[view.xMode], color: theme.muted, font },
          ticks: {
            color: theme.muted,
            font,
            maxRotation: 0,
            autoSkipPadding: 16,
            callback(value) {
              return formatX(Number(value), view.xMode, this.min, this.max);
            },
          },
          // Time axes: ticks on round multiples of the unit the visible range calls for.
          afterBuildTicks: (scale) => {
            if (view.xMode !== 'step') scale.ticks = timeTicks(scale.min, scale.max).ticks.map((value) => ({ value }));
          },
          grid: { color: theme.grid },
          border: { color: theme.grid },
        },
        y: {
          type: view.logScale ? 'logarithmic' : 'linear',
          ...(targetValues.length ? { suggestedMin: Math.min(...targetValues), suggestedMax: Math.max(...targetValues) } : {}),
          ticks: { color: theme.muted, font, callback: (value) => formatMetric(Number(value)) },
          grid: { color: theme.grid },
          border: { color: theme.grid },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...tooltipColors(theme),
          titleFont: font,
          bodyFont: font,
          // Every line's value at the hovered x, highest first, each with its run colour.
          itemSort: (a, b) => (b.parsed.y ?? -Infinity) - (a.parsed.y ?? -Infinity),
          boxPadding: 4,
          callbacks: {
            title: (items) => {
              // The lines the tooltip lists, for assistive tools and tests: the canvas itself is only pixels.
              this.canvas.dataset.tooltip = items.map((item) => item.dataset.label ?? '').join('\n');
              return items[0] ? tooltipTitle(items[0].parsed.x ?? 0, view.xMode) : '';
            },
            labelColor: (item) => ({ borderColor: view.color(this.infos[item.datasetIndex]?.id ?? 0), backgroundColor: view.color(this.infos[item.datasetIndex]?.id ?? 0) }),
            label: (item) => this.tooltipLabel(item),
          },
        },
        zoom: {
          limits: { x: { min: 'original', max: 'original' } },
          zoom: {
            wheel: { enabled: true, modifierKey: 'ctrl' },
            pinch: { enabled: true },
            drag: { enabled: true, borderColor: theme.focus, borderWidth: 1, backgroundColor: withAlpha(theme.focus, 0.15) },
            mode: 'x',
            onZoomComplete: () => this.windowChanged(),
          },
          pan: { enabled: true, mode: 'x', modifierKey: 'shift', onPanComplete: () => this.windowChanged() },
        },
      },
    };
  }

  /** A failed or killed run's line ends in a cross at its last point, unless a zoom cut it off. */
  private endOf(series: Series, ys: readonly (number | null)[], item: CompareItem, view: ChartView): DatasetInfo['end'] {
    const status = endedEarly(item.status);
    const index = lastDrawnIndex(ys);
    if (!status || index < 0 || series.x[series.x.length - 1] !== view.lastStep(series.id, this.key)) return null;
    return { index, status };
  }

  private tooltipLabel(item: TooltipItem<'line'>): string {
    const info = this.infos[item.datasetIndex];
    const name = truncateLabel(item.dataset.label ?? '', 60);
    const value = formatMetric(item.parsed.y);
    if (!info) return `${name}: ${value}`;
    if (info.end?.index === item.dataIndex) return `${name}: ${value} (✕ run ${info.end.status === 'FAILED' ? 'failed' : 'was killed'}: its last point)`;
    if (info.role === 'smoothed') return `${name} (smoothed): ${value}`;
    const shift = this.set?.plan?.shift;
    if (!info.approx.has(item.dataIndex) || shift === null || shift === undefined) return `${name}: ${value}`;
    // A min or max from a block summary: its value is exact, its step is somewhere in the block.
    const series = this.set!.series.find((s) => s.id === info.id)!;
    const size = 2 ** shift;
    const lo = Math.floor(series.x[item.dataIndex]! / size) * size;
    return `${name}: ${value} (extreme within steps ${formatCount(lo)}–${formatCount((lo + size - 1))})`;
  }

  /** After a zoom or pan: remember the window and, once the user pauses, read that range in detail. */
  private windowChanged(): void {
    const scale = this.chart?.scales.x;
    // The plugin reports a reset as a zoom too.
    if (!scale || !this.chart!.isZoomedOrPanned()) return;
    this.window = { min: scale.min, max: scale.max };
    this.resetButton.hidden = false;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      const range = this.rangeOfWindow();
      if (range) {
        this.range = range;
        this.load();
      }
    }, 150);
  }

  /** The visible window as a range of the series' own coordinate (steps, or time for production). */
  private rangeOfWindow(): { lo: number; hi: number } | null {
    const view = this.host.view();
    if (!this.window || !this.set) return null;
    const { min, max } = this.window;
    // Steps, or production metrics' own time axis: the window is the range.
    if (view.xMode === 'step' || view.bucketUnit === 'ms') return { lo: Math.floor(min), hi: Math.ceil(max) };
    // Run time axes: time grows with the steps, so the steps of the points in the window (and
    // their neighbours) bound the range to read.
    let lo = Infinity;
    let hi = -Infinity;
    for (const series of this.set.series) {
      const item = view.items.get(series.id);
      if (!item) continue;
      const xs = displayX(series, item, view.xMode);
      for (let i = 0; i < xs.length; i++) {
        if (xs[i]! < min || xs[i]! > max) continue;
        lo = Math.min(lo, series.x[Math.max(0, i - 1)]!);
        hi = Math.max(hi, series.x[Math.min(xs.length - 1, i + 1)]!);
      }
    }
    return lo === Infinity ? null : { lo: Math.floor(lo), hi: Math.ceil(hi) };
  }

  private onKey(event: KeyboardEvent): void {
    const chart = this.chart;
    if (!chart) return;
    const actions: Record<string, () => void> = {
      '+': () => chart.zoom(1.25),
      '=': () => chart.zoom(1.25),
      '-': () => chart.zoom(0.8),
      ArrowLeft: () => chart.pan({ x: 60 }, undefined, 'none'),
      ArrowRight: () => chart.pan({ x: -60 }, undefined, 'none'),
    };
    if (event.key === '0' || event.key === 'Home') {
      event.preventDefault();
      this.resetZoom();
      return;
    }
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
    this.windowChanged();
  }

  destroy(): void {
    clearTimeout(this.debounce);
    this.chart?.destroy();
    this.card.remove();
  }
}
