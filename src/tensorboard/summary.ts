import type { SkippedKind } from './events.ts';
import { formatCount } from '../shared/format.ts';

/** A record (or a whole file) that could not be read; the import went on without it. */
export interface UnreadableItem {
  file: string;
  /** Byte offset in the file where the unreadable record starts. */
  offset: number;
  reason: string;
}

/** What one import of a logdir did. Counts are of what it added to (or changed in) the store. */
export interface TensorBoardSummary {
  source: string;
  runs: number;
  runsUpdated: number;
  metricPoints: number;
  params: number;
  tags: number;
  /** Records read from event files by this import. */
  records: number;
  /** Data the store has no place for (histograms, images, audio, other plugins), by kind. */
  skippedData: Partial<Record<SkippedKind, number>>;
  /** Up to MAX_LISTED items; `unreadableCount` has the full number. */
  unreadable: UnreadableItem[];
  unreadableCount: number;
  notes: string[];
  cancelled: boolean;
  durationMs: number;
}

const MAX_LISTED = 200;

export function emptySummary(source: string): TensorBoardSummary {
  return { source, runs: 0, runsUpdated: 0, metricPoints: 0, params: 0, tags: 0, records: 0, skippedData: {}, unreadable: [], unreadableCount: 0, notes: [], cancelled: false, durationMs: 0 };
}

export function addUnreadable(summary: TensorBoardSummary, item: UnreadableItem): void {
  summary.unreadableCount++;
  if (summary.unreadable.length < MAX_LISTED) summary.unreadable.push(item);
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** One line for a notification or the first line of the CLI output. */
export function headline(summary: TensorBoardSummary): string {
  const parts = [count(summary.runs, 'run'), count(summary.metricPoints, 'metric point')];
  if (summary.runsUpdated) parts.push(`${count(summary.runsUpdated, 'run')} updated`);
  const verb = summary.cancelled ? 'Cancelled after importing' : 'Imported';
  const unreadable = summary.unreadableCount ? `; ${count(summary.unreadableCount, 'unreadable record')} skipped` : '';
  return `${verb} ${parts.join(', ')} from ${summary.source}${unreadable}.`;
}

/** The full report, one fact per line. */
export function describeSummary(summary: TensorBoardSummary): string[] {
  const lines = [headline(summary)];
  lines.push(
    `  runs ${summary.runs} new / ${summary.runsUpdated} updated, metric points ${summary.metricPoints}, params ${summary.params}, tags ${summary.tags}, records read ${summary.records}, in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  const kinds = Object.entries(summary.skippedData);
  if (kinds.length) lines.push(`  not imported (ML Lifecycle keeps scalars, text and hparams): ${kinds.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  if (summary.unreadableCount) {
    lines.push(`Skipped ${count(summary.unreadableCount, 'unreadable record')} (the rest was imported):`);
    for (const item of summary.unreadable) lines.push(`  ${item.file} at offset ${item.offset}: ${item.reason}`);
    if (summary.unreadableCount > summary.unreadable.length) lines.push(`  … and ${summary.unreadableCount - summary.unreadable.length} more`);
  }
  return lines;
}
