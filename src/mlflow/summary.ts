import { formatCount } from '../shared/format.ts';
/** Something the import could not read; it went on without it. */
export interface SkippedItem {
  /** The file (absolute path) or `table <name>` in MLflow's database. */
  where: string;
  /** 1-based line of a metric file. */
  line?: number;
  /** rowid of a database row. */
  rowid?: number;
  reason: string;
}

/** What one import did. Counts are of things added to (or changed in) the store by this import. */
export interface ImportSummary {
  source: string;
  kind: 'folder' | 'database';
  experiments: number;
  runs: number;
  runsUpdated: number;
  metricPoints: number;
  params: number;
  tags: number;
  models: number;
  versions: number;
  aliases: number;
  /** Experiments and runs moved to the trash because MLflow deleted them. */
  trashed: number;
  /** Up to MAX_LISTED_SKIPS items; `skippedCount` has the full number. */
  skipped: SkippedItem[];
  skippedCount: number;
  /** Things worth knowing that are not errors (renamed on a name clash, aliases kept...). */
  notes: string[];
  cancelled: boolean;
  durationMs: number;
}

const MAX_LISTED_SKIPS = 200;

export function emptySummary(source: string, kind: ImportSummary['kind']): ImportSummary {
  return {
    source,
    kind,
    experiments: 0,
    runs: 0,
    runsUpdated: 0,
    metricPoints: 0,
    params: 0,
    tags: 0,
    models: 0,
    versions: 0,
    aliases: 0,
    trashed: 0,
    skipped: [],
    skippedCount: 0,
    notes: [],
    cancelled: false,
    durationMs: 0,
  };
}

export function skip(summary: ImportSummary, item: SkippedItem): void {
  summary.skippedCount++;
  if (summary.skipped.length < MAX_LISTED_SKIPS) summary.skipped.push(item);
}

function describeSkip(item: SkippedItem): string {
  const at = item.line !== undefined ? ` line ${item.line}` : item.rowid !== undefined ? ` rowid ${item.rowid}` : '';
  return `${item.where}${at}: ${item.reason}`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** One line for a notification or the first line of the CLI output. */
export function headline(summary: ImportSummary): string {
  const parts = [count(summary.experiments, 'experiment'), count(summary.runs, 'run'), count(summary.metricPoints, 'metric point')];
  if (summary.runsUpdated) parts.push(`${count(summary.runsUpdated, 'run')} updated`);
  if (summary.versions) parts.push(count(summary.versions, 'model version'));
  const verb = summary.cancelled ? 'Cancelled after importing' : 'Imported';
  const skipped = summary.skippedCount ? `; skipped ${count(summary.skippedCount, 'unreadable item')}` : '';
  return `${verb} ${parts.join(', ')} from ${summary.source}${skipped}.`;
}

/** The full report, one fact per line. */
export function describeSummary(summary: ImportSummary): string[] {
  const lines = [headline(summary)];
  lines.push(
    `  experiments ${summary.experiments}, runs ${summary.runs} new / ${summary.runsUpdated} updated, metric points ${summary.metricPoints}, params ${summary.params}, tags ${summary.tags}`,
    `  models ${summary.models}, versions ${summary.versions}, aliases ${summary.aliases}, moved to trash ${summary.trashed}, in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  if (summary.skippedCount) {
    lines.push(`Skipped ${summary.skippedCount} item${summary.skippedCount === 1 ? '' : 's'} (the rest was imported):`);
    for (const item of summary.skipped) lines.push(`  ${describeSkip(item)}`);
    if (summary.skippedCount > summary.skipped.length) lines.push(`  … and ${summary.skippedCount - summary.skipped.length} more`);
  }
  return lines;
}
