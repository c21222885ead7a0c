// The Parallel coordinates tab: the parallel plot, and a scatter of a final metric value against
// a param (starting with a param most runs logged).
import type { Chart } from 'chart.js';
import { isSystemMetric } from '../../src/compare/metricGroups.ts';
import type { CompareModel } from '../../src/compare/model.ts';
import { defaultScatterParam } from '../../src/compare/params.ts';
import type { CompareSavedState } from '../../src/contract/compare.ts';
import { truncateLabel } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { type PlotView, parallelChart, plotCanvas, scatterChart } from './parallel.ts';
import { fillSelect, selectValue } from './selects.ts';

export class PlotsTab {
  readonly panel: HTMLElement;
  private readonly parallelCanvas = plotCanvas('parallel-chart', 'Parallel coordinates of params and final metric values, one line per run');
  private readonly parallelNote = el('p', { class: 'muted', 'data-testid': 'parallel-note' });
  private readonly scatterParam = el('vscode-single-select', { 'data-testid': 'scatter-param', 'aria-label': 'Param on the x axis' });
  private readonly scatterMetric = el('vscode-single-select', { 'data-testid': 'scatter-metric', 'aria-label': 'Metric on the y axis' });
  private readonly scatterCanvas = plotCanvas('scatter-chart', 'Scatter of a final metric value against a param, one point per run');
  private readonly scatterNote = el('p', { class: 'muted' });
  private parallelPlot: Chart | undefined;
  private scatterPlot: Chart | undefined;

  /** `changed` gets the scatter's new param or metric, chosen by the user. */
  constructor(changed: (scatter: Partial<CompareSavedState['scatter']>) => void) {
    this.panel = el(
      'vscode-tab-panel',
      {},
      this.parallelNote,
      el('div', { class: 'parallel-box' }, this.parallelCanvas),
      el('h2', {}, 'Final metric value against a param'),
      el(
        'div',
        { class: 'table-tools' },
        el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Param'), this.scatterParam),
        el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Metric'), this.scatterMetric),
      ),
      this.scatterNote,
      el('div', { class: 'scatter-box' }, this.scatterCanvas),
    );
    this.scatterParam.addEventListener('change', (event) => changed({ param: selectValue(event) }));
    this.scatterMetric.addEventListener('change', (event) => changed({ metric: selectValue(event) }));
  }

  render(m: CompareModel, scatter: CompareSavedState['scatter'], view: PlotView): void {
    const data = m.parallel;
    this.parallelNote.textContent =
      !data || data.axes.length === 0 ? 'Parallel coordinates need params that differ between the runs, or metrics.' : data.omitted ? `${data.omitted} more axes are left out to keep the chart readable.` : '';
    this.parallelPlot = parallelChart(this.parallelCanvas, m, view, this.parallelPlot);
    const params = m.params;
    const paramKeys = params ? [...params.keys.filter((_, i) => params.differs[i]), ...params.keys.filter((_, i) => !params.differs[i])] : [];
    const metricKeys = m.charts.map((c) => c.key).filter((k) => !isSystemMetric(k));
    const param = fillSelect(this.scatterParam, paramKeys.map((k) => [k, truncateLabel(k, 80)]), scatter.param ?? (params ? (defaultScatterParam(params) ?? '') : ''));
    const metric = fillSelect(this.scatterMetric, metricKeys.map((k) => [k, truncateLabel(k, 80)]), scatter.metric ?? '');
    this.scatterNote.textContent = paramKeys.length && metricKeys.length ? '' : 'A scatter needs runs with params and metrics.';
    this.scatterPlot?.destroy();
    this.scatterPlot = param && metric ? scatterChart(this.scatterCanvas, m, param, metric, view, undefined) : undefined;
  }
}
