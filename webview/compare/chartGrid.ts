// The Charts tab's grid: one MetricChart per metric, loaded as it scrolls into view, with the
// system metrics (system/…) in their own collapsed group below the model's metrics.
import { isSystemMetric } from '../../src/compare/metricGroups.ts';
import type { ChartSpec } from '../../src/compare/model.ts';
import { type PackedSeriesSet, unpackSeriesSet } from '../../src/compare/seriesWire.ts';
import { el } from '../shared/vscode.ts';
import { type ChartHost, type ChartView, MetricChart } from './charts.ts';

export interface GridHost {
  view(): ChartView;
  /** Posts a series request the extension answers by id. */
  request(requestId: number, key: string, pixels: number, range: { lo: number; hi: number } | null): void;
  /** The System group was opened or closed by the user. */
  systemToggled(open: boolean): void;
}

export class ChartGrid {
  readonly main = el('div', { class: 'chart-grid', 'data-testid': 'chart-grid' });
  readonly system: HTMLDetailsElement;
  private readonly systemGrid = el('div', { class: 'chart-grid', 'data-testid': 'system-grid' });
  private readonly systemCount = el('span', { class: 'muted' });
  private readonly charts = new Map<string, MetricChart>();
  private readonly requests = new Map<number, string>();
  private nextRequest = 1;
  private readonly visibility: IntersectionObserver;
  private readonly chartHost: ChartHost;

  constructor(host: GridHost) {
    this.system = el(
      'details',
      { class: 'system-group', 'data-testid': 'system-group' },
      el('summary', { 'data-testid': 'system-toggle' }, el('span', { class: 'system-title' }, 'System'), ' ', this.systemCount),
      el('p', { class: 'muted' }, 'CPU, memory, GPU and other metrics logged under system/: about the machine, not the model.'),
      this.systemGrid,
    );
    this.system.addEventListener('toggle', () => host.systemToggled(this.system.open));
    this.chartHost = {
      view: () => host.view(),
      request: (key, pixels, range) => {
        const requestId = this.nextRequest++;
        this.requests.set(requestId, key);
        host.request(requestId, key, pixels, range);
        return requestId;
      },
    };
    // Charts in the closed System group never intersect, so they are read only once opened.
    this.visibility = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) this.charts.get((entry.target as HTMLElement).dataset.metric ?? '')?.setVisible(entry.isIntersecting);
      },
      { rootMargin: '300px 0px' },
    );
  }

  sync(specs: readonly ChartSpec[], systemOpen: boolean): void {
    for (const [key, chart] of this.charts) {
      if (specs.some((s) => s.key === key)) continue;
      this.visibility.unobserve(chart.card);
      chart.destroy();
      this.charts.delete(key);
    }
    for (const spec of specs) {
      let chart = this.charts.get(spec.key);
      if (chart) chart.update(spec);
      else {
        chart = new MetricChart(spec, this.chartHost);
        this.charts.set(spec.key, chart);
        this.visibility.observe(chart.card);
      }
      // Keeps the model's order; system metrics go to their own group.
      (isSystemMetric(spec.key) ? this.systemGrid : this.main).append(chart.card);
    }
    const system = specs.filter((s) => isSystemMetric(s.key)).length;
    this.system.hidden = system === 0;
    this.systemCount.textContent = `${system} metric${system === 1 ? '' : 's'}`;
    this.system.open = systemOpen;
  }

  renderAll(): void {
    for (const chart of this.charts.values()) chart.render();
  }

  /** The x mode changed: zoom windows in the old mode mean nothing in the new one. */
  resetWindows(): void {
    for (const chart of this.charts.values()) chart.resetWindow();
  }

  resetZooms(): void {
    for (const chart of this.charts.values()) chart.resetZoom();
  }

  receive(requestId: number, packed: PackedSeriesSet): void {
    const key = this.requests.get(requestId);
    this.requests.delete(requestId);
    if (key === undefined) return;
    try {
      this.charts.get(key)?.receive(requestId, unpackSeriesSet(packed));
    } catch (error) {
      this.charts.get(key)?.failed(requestId, (error as Error).message);
    }
  }

  failed(requestId: number, key: string, message: string): void {
    this.requests.delete(requestId);
    this.charts.get(key)?.failed(requestId, message);
  }
}
