import { type HealthProblem, assessHealth, matchesMetric } from '../monitoring/health.ts';
import { type ProductionPoint, latestProductionMetrics } from '../monitoring/productionMetrics.ts';
import type { Store } from '../store/database.ts';
import { type ModelVersion, listAllVersions } from './models.ts';
import { type VersionTargets, versionTargets } from './targets.ts';

/** A version's production state: its latest metrics, the one to show first, and what is wrong. */
export interface VersionStatus {
  version: ModelVersion;
  targets: VersionTargets;
  latest: ReadonlyMap<string, ProductionPoint>;
  /** The production value of the primary metric, else the most recently logged one. */
  headline: ProductionPoint | undefined;
  problems: HealthProblem[];
}

export function versionStatuses(store: Store, versions: readonly ModelVersion[]): VersionStatus[] {
  const latest = latestProductionMetrics(store, versions.map((v) => v.id));
  return versions.map((version) => {
    const targets = versionTargets(store, version);
    const points = latest.get(version.id) ?? new Map<string, ProductionPoint>();
    const all = [...points.values()];
    const primary = targets.metric ? all.find((p) => matchesMetric(p.key, targets.metric!)) : undefined;
    const newest = all.reduce<ProductionPoint | undefined>((best, p) => (!best || p.timestamp > best.timestamp ? p : best), undefined);
    return { version, targets, latest: points, headline: primary ?? newest, problems: assessHealth(targets, points) };
  });
}

/** Every version with a production problem, for notifications. */
export function versionsWithProblems(store: Store): VersionStatus[] {
  const withMetrics = new Set((store.db.prepare('SELECT DISTINCT version_id AS id FROM production_metrics').all() as { id: number }[]).map((r) => r.id));
  if (withMetrics.size === 0) return [];
  return versionStatuses(
    store,
    listAllVersions(store).filter((v) => withMetrics.has(v.id)),
  ).filter((s) => s.problems.length > 0);
}
