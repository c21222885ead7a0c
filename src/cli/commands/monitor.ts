import type { HealthProblem } from '../../monitoring/health.ts';
import { logProductionMetrics, parseMetricValue } from '../../monitoring/productionMetrics.ts';
import { listAllVersions, resolveVersion } from '../../registry/models.ts';
import { versionStatuses } from '../../registry/status.ts';
import { formatMetric, truncateLabel } from '../../shared/format.ts';
import { jsonNumber, splitAssignment } from '../../tracking/loggingInput.ts';
import { type CliCommand, type CliInvocation, CliError, option } from '../command.ts';
import { openCliStore } from './runs.ts';

function timestampOption(invocation: CliInvocation): number {
  const text = option(invocation, 'time');
  if (text === undefined) return Date.now();
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) throw new CliError(`--time ${text} is neither milliseconds since 1970 nor a date such as 2025-06-01T12:00:00Z.`);
  return value;
}

/** A problem in --json output; a breached kill criterion also names the criterion, its framing and the action. */
function problemJson(problem: HealthProblem) {
  return {
    kind: problem.kind,
    key: problem.key,
    message: problem.message,
    ...(problem.criterion === undefined ? {} : { criterion: problem.criterion, framing: problem.source ?? null, action: problem.action ?? null }),
  };
}

const monitorLog: CliCommand = {
  words: ['monitor', 'log'],
  summary: 'Record production metrics of a registered model version (by number or alias); warns when one breaks its floor or latency budget.',
  usage: '<model> <version|alias> key=value [key=value ...] [--time ISO|MS] [--json]',
  run(invocation) {
    const [model, versionRef, ...pairs] = invocation.args;
    if (!model || !versionRef) throw new CliError('Give the model name and the version (a number, or an alias such as champion), then key=value pairs.');
    const timestamp = timestampOption(invocation);
    const points = pairs.map((pair) => {
      const [key, text] = splitAssignment(pair, 'metric');
      return { key, value: parseMetricValue(text, key), timestamp };
    });
    if (points.length === 0) throw new CliError('Give at least one metric as key=value, e.g. auc=0.81 latency_p95_ms=120.');
    const store = openCliStore(invocation, false);
    try {
      const version = resolveVersion(store, model, versionRef);
      logProductionMetrics(store, version.id, points);
      const [status] = versionStatuses(store, [version]);
      const problems = status!.problems;
      if (invocation.json) {
        invocation.print(
          JSON.stringify({
            model: version.modelName,
            version: version.version,
            logged: points.map((p) => ({ key: p.key, value: jsonNumber(p.value), timestamp: p.timestamp })),
            problems: problems.map(problemJson),
          }),
        );
        return;
      }
      invocation.print(`Logged ${points.length} production metric${points.length === 1 ? '' : 's'} for ${version.modelName} v${version.version}.`);
      for (const problem of problems) invocation.print(`Warning: ${problem.message}. Consider retraining or rolling back.`);
    } finally {
      store.close();
    }
  },
};

const monitorStatus: CliCommand = {
  words: ['monitor', 'status'],
  summary: 'Latest production metrics and drift report of every model version that has some, with problems against the framing (floors, latency budget, kill criteria).',
  usage: '[--json]',
  run(invocation) {
    const store = openCliStore(invocation, false);
    try {
      const statuses = versionStatuses(store, listAllVersions(store)).filter((s) => s.latest.size > 0 || s.drift);
      if (invocation.json) {
        invocation.print(
          JSON.stringify(
            statuses.map((s) => ({
              model: s.version.modelName,
              version: s.version.version,
              aliases: s.version.aliases,
              latest: [...s.latest.values()].map((p) => ({ key: p.key, value: jsonNumber(p.value), timestamp: p.timestamp })),
              ...(s.drift ? { drift: { verdict: s.drift.verdict, worstPsi: jsonNumber(s.drift.worstPsi), createdAt: s.drift.createdAt } } : {}),
              problems: s.problems.map(problemJson),
            })),
          ),
        );
        return;
      }
      if (statuses.length === 0) {
        invocation.print('No production metrics logged yet. Log some with: ml-lifecycle monitor log <model> <version> key=value');
        return;
      }
      for (const s of statuses) {
        const aliases = s.version.aliases.map((a) => ` @${a}`).join('');
        invocation.print(`${truncateLabel(s.version.modelName, 60)} v${s.version.version}${aliases}: ${s.problems.length ? `${s.problems.length} problem(s)` : 'ok'}`);
        for (const p of s.latest.values()) invocation.print(`  ${truncateLabel(p.key, 40)} = ${formatMetric(p.value)} (${new Date(p.timestamp).toISOString()})`);
        if (s.drift) invocation.print(`  drift: ${s.drift.verdict}, worst PSI ${formatMetric(s.drift.worstPsi)} (${new Date(s.drift.createdAt).toISOString()})`);
        for (const p of s.problems) invocation.print(`  Warning: ${p.message}`);
      }
    } finally {
      store.close();
    }
  },
};

export const MONITOR_COMMANDS: readonly CliCommand[] = [monitorLog, monitorStatus];
