import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ColumnDrift, DEFAULT_THRESHOLDS, DriftCancelled, type DriftReport, type DriftThresholds, checkDrift, pValueOf } from '../../monitoring/drift.ts';
import { saveDriftReport } from '../../monitoring/driftReports.ts';
import { formatPValue } from '../../monitoring/stats.ts';
import { TableError } from '../../shared/table/tableReader.ts';
import { resolveVersion } from '../../registry/models.ts';
import { formatMetric, truncateLabel, formatCount } from '../../shared/format.ts';
import { parseDecimal } from '../../shared/numberText.ts';
import { openStore } from '../../store/database.ts';
import { discoverStorePath } from '../../store/location.ts';
import { type CliCommand, type CliInvocation, CliError, option } from '../command.ts';

function threshold(invocation: CliInvocation, name: string, fallback: number, max = Infinity): number {
  const text = option(invocation, name);
  if (text === undefined) return fallback;
  const parsed = parseDecimal(text);
  const value = 'value' in parsed ? parsed.value : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > max) throw new CliError(`--${name} ${text} is not a number between 0 and ${max === Infinity ? 'any' : max}.`);
  return value;
}

/** `ml-lifecycle drift <reference> <current>`: the exit code is 0 whatever the verdict; only bad input or a failure is non-zero. */
export const driftCommand: CliCommand = {
  words: ['drift'],
  summary: 'Compare a current data snapshot (CSV, TSV or JSON lines) with a reference one: PSI, KS and chi-square per column, worst first.',
  usage: '<reference> <current> [--model NAME --version N|ALIAS] [--psi-warning 0.1] [--psi-alert 0.25] [--p-value 0.05] [--json]',
  async run(invocation) {
    const [referenceArg, currentArg, ...rest] = invocation.args;
    if (!referenceArg || !currentArg) throw new CliError('Give two files: the reference snapshot (what the model was trained on), then the current one.');
    if (rest.length) throw new CliError(`Unexpected argument "${rest[0]}". Options go after the two files, e.g. --model churn --version champion.`);
    const thresholds: DriftThresholds = {
      psiWarning: threshold(invocation, 'psi-warning', DEFAULT_THRESHOLDS.psiWarning),
      psiAlert: threshold(invocation, 'psi-alert', DEFAULT_THRESHOLDS.psiAlert),
      pValue: threshold(invocation, 'p-value', DEFAULT_THRESHOLDS.pValue, 1),
    };
    const modelName = option(invocation, 'model');
    const versionRef = option(invocation, 'version');
    if ((modelName === undefined) !== (versionRef === undefined)) throw new CliError('Give --model and --version together (the version may be a number or an alias such as champion).');

    const storePath = discoverStorePath(invocation.cwd, invocation.env);
    const store = modelName !== undefined || fs.existsSync(storePath) ? openStore(storePath, { create: false }) : undefined;
    try {
      // Resolve the version before reading gigabytes, so a typo fails at once.
      const version = store && modelName !== undefined ? resolveVersion(store, modelName, versionRef!) : undefined;
      const controller = new AbortController();
      const poll = setInterval(() => invocation.cancelled() && controller.abort(), 100);
      let lastShown = -1;
      let report: DriftReport;
      try {
        report = await checkDrift(path.resolve(invocation.cwd, referenceArg), path.resolve(invocation.cwd, currentArg), {
          thresholds,
          signal: controller.signal,
          onProgress: (fraction, message) => {
            const percent = Math.floor(fraction * 20) * 5;
            if (percent !== lastShown) {
              lastShown = percent;
              invocation.progress(`${message}: ${percent}%`);
            }
          },
        });
      } catch (error) {
        if (error instanceof DriftCancelled) {
          invocation.progress('Drift check cancelled; nothing was stored.');
          return;
        }
        if (error instanceof TableError) throw new CliError(error.message);
        throw error;
      } finally {
        clearInterval(poll);
      }
      const reportId = store ? saveDriftReport(store, report, version?.id ?? null) : null;
      if (invocation.json) {
        invocation.print(JSON.stringify({ reportId, model: version ? { name: version.modelName, version: version.version } : null, ...report }));
        return;
      }
      invocation.print(formatReport(report));
      if (reportId !== null) invocation.print(`\nSaved as drift report ${reportId}${version ? ` of ${version.modelName} v${version.version}` : ''} in ${store!.path}.`);
    } finally {
      store?.close();
    }
  },
};

/** The report as a plain-text table, worst columns first. */
export function formatReport(report: DriftReport): string {
  const drifted = report.columns.filter((c) => c.level === 'drift').length;
  const drifting = report.columns.filter((c) => c.level === 'warning').length;
  const { psiAlert, psiWarning, pValue } = report.thresholds;
  const verdict = { stable: 'STABLE', warning: 'WARNING', drift: 'DRIFT' }[report.verdict];
  const lines = [
    `Verdict: ${verdict} — ${drifted} of ${report.columns.length} columns drifted (PSI ≥ ${psiAlert}), ${drifting} drifting (PSI ≥ ${psiWarning}), ${report.significantColumns} significantly changed (p < ${pValue}).`,
    `Reference: ${report.referencePath} (${formatCount(report.referenceRows)} rows)`,
    `Current:   ${report.currentPath} (${formatCount(report.currentRows)} rows)`,
    '',
  ];
  const rows = report.columns.map((c) => [truncateLabel(c.name, 40), c.kind, formatMetric(c.psi), testText(c), formatPValue(pValueOf(c)), c.level + (c.significant ? ' *' : '')]);
  const header = ['column', 'kind', 'PSI', 'test', 'p-value', 'level'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) lines.push(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  if (report.significantColumns) lines.push('', `* p < ${pValue}. With very large files tiny shifts are significant: judge by PSI.`);
  const notes = report.columns.flatMap((c) => c.notes.map((n) => `${truncateLabel(c.name, 40)}: ${n}`));
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  return lines.join('\n');
}

function testText(column: ColumnDrift): string {
  if (column.ks) return `KS D=${formatMetric(column.ks.statistic)}${column.ks.exact ? '' : `..${formatMetric(column.ks.upperBound)}`}`;
  if (column.chiSquare) return `χ²=${formatMetric(column.chiSquare.statistic)} dof ${column.chiSquare.dof}`;
  return '-';
}
