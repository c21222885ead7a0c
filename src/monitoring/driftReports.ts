import { recordAudit } from '../store/audit.ts';
import { writeTransaction, type Store } from '../store/database.ts';
import type { DriftLevel, DriftReport } from './drift.ts';

export interface StoredDriftReport {
  id: number;
  versionId: number | null;
  createdAt: number;
  referencePath: string;
  currentPath: string;
  worstPsi: number | null;
  verdict: DriftLevel;
}

/** Keeps a drift report, optionally against a model version, and notes it in the audit log. Returns its id. */
export function saveDriftReport(store: Store, report: DriftReport, versionId: number | null): number {
  return writeTransaction(store, () => {
    const id = Number(
      store.db
        .prepare('INSERT INTO drift_reports (version_id, created_at, reference_path, current_path, worst_psi, verdict, report) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(versionId, report.createdAt, report.referencePath, report.currentPath, report.worstPsi, report.verdict, JSON.stringify(report)).lastInsertRowid,
    );
    recordAudit(store.db, {
      entity: 'drift',
      entityId: id,
      action: 'check',
      details: { versionId, verdict: report.verdict, worstPsi: report.worstPsi, reference: report.referencePath, current: report.currentPath },
    });
    return id;
  });
}

const COLUMNS = `id, version_id AS versionId, created_at AS createdAt, reference_path AS referencePath, current_path AS currentPath,
  worst_psi AS worstPsi, verdict`;

export function getDriftReport(store: Store, id: number): (StoredDriftReport & { report: DriftReport }) | undefined {
  const row = store.db.prepare(`SELECT ${COLUMNS}, report FROM drift_reports WHERE id = ?`).get(id) as (StoredDriftReport & { report: string }) | undefined;
  return row && { ...row, report: JSON.parse(row.report) as DriftReport };
}

/** The newest report per model version, for the given versions. */
export function latestDriftReports(store: Store, versionIds: readonly number[]): Map<number, StoredDriftReport> {
  const rows = store.db
    .prepare(`SELECT ${COLUMNS} FROM drift_reports d WHERE version_id IN (SELECT value FROM json_each(?))
      AND id = (SELECT id FROM drift_reports d2 WHERE d2.version_id = d.version_id ORDER BY created_at DESC, id DESC LIMIT 1)`)
    .all(JSON.stringify(versionIds)) as StoredDriftReport[];
  return new Map(rows.map((row) => [row.versionId!, row]));
}
