import { getDriftReport, latestDriftReports, type StoredDriftReport } from '../monitoring/driftReports.ts';
import { type DriftReading, type HealthProblem, assessHealth, matchesMetric } from '../monitoring/health.ts';
import { type ProductionPoint, latestProductionMetrics } from '../monitoring/productionMetrics.ts';
import type { Store } from '../store/database.ts';
import { type ModelVersion, listAllVersions } from './models.ts';
import { type VersionTargets, versionTargets } from './targets.ts';

/** A version's production state: its latest metrics and drift report, the one to show first, and what is wrong. */
export interface VersionStatus {
  version: ModelVersion;
  targets: VersionTargets;
  latest: ReadonlyMap<string, ProductionPoint>;
  /** The newest drift report checked against this version, if any. */
  drift: StoredDriftReport | undefined;
  /** The production value of the primary metric, else the most recently logged one. */
  headline: ProductionPoint | undefined;
  problems: HealthProblem[];
}

/** The drift report as the kill criteria read it; the per-column PSI only when a criterion names a column. */
function driftReading(store: Store, report: StoredDriftReport | undefined, targets: VersionTargets): DriftReading | undefined {
  if (!report) return undefined;
  const byColumn = targets.monitors?.some((m) => m.signal === 'drift' && m.key !== '');
  const columns = byColumn ? (getDriftReport(store, report.id)?.report.columns ?? []) : [];
  return { worstPsi: report.worstPsi, columns: new Map(columns.map((c) => [c.name, c.psi])), createdAt: report.createdAt };
}

export function versionStatuses(store: Store, versions: readonly ModelVersion[]): VersionStatus[] {
  const ids = versions.map((v) => v.id);
  const latest = latestProductionMetrics(store, ids);
  const drift = latestDriftReports(store, ids);
  return versions.map((version) => {
    const targets = versionTargets(store, version);
    const points = latest.get(version.id) ?? new Map<string, ProductionPoint>();
    const all = [...points.values()];
    const primary = targets.metric ? all.find((p) => matchesMetric(p.key, targets.metric!)) : undefined;
    const newest = all.reduce<ProductionPoint | undefined>((best, p) => (!best || p.timestamp > best.timestamp ? p : best), undefined);
    const report = drift.get(version.id);
    return { version, targets, latest: points, drift: report, headline: primary ?? newest, problems: assessHealth(targets, points, driftReading(store, report, targets)) };
  });
}

/** Every version with a production problem, for notifications. */
export function versionsWithProblems(store: Store): VersionStatus[] {
  const watched = new Set(
    (store.db.prepare('SELECT DISTINCT version_id AS id FROM production_metrics UNION SELECT DISTINCT version_id FROM drift_reports WHERE version_id IS NOT NULL').all() as { id: number }[]).map((r) => r.id),
  );
  if (watched.size === 0) return [];
  return versionStatuses(
    store,
    listAllVersions(store).filter((v) => watched.has(v.id)),
  ).filter((s) => s.problems.length > 0);
}
