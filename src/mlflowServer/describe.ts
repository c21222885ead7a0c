import type { PushSummary } from './push.ts';
import { formatCount } from '../shared/format.ts';

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** A push's outcome in a few lines, for the CLI and the log channel. */
export function describePush(summary: PushSummary): string[] {
  const lines = [
    `${summary.cancelled ? 'Push cancelled' : 'Pushed'} to ${summary.uri} in ${(summary.ms / 1000).toFixed(1)} s: ` +
      [
        plural(summary.experiments, 'new experiment'),
        plural(summary.runsCreated, 'new run'),
        plural(summary.runsUpdated, 'run') + ' updated',
        plural(summary.points, 'metric point'),
        plural(summary.artifacts, 'artifact'),
        plural(summary.versions, 'model version'),
        `${formatCount(summary.aliases)} ${summary.aliases === 1 ? 'alias' : 'aliases'}`,
      ].join(', ') +
      '.',
  ];
  if (summary.cancelled) lines.push('What was sent is kept; push again to finish.');
  else if (summary.points + summary.runsUpdated + summary.artifacts + summary.versions + summary.aliases === 0) lines.push('Nothing new to send.');
  for (const warning of summary.warnings) lines.push(`  ! ${warning}`);
  return lines;
}
