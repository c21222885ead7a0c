import type { Store } from '../../../src/store/database.ts';
import type { FixtureExperiment, FixtureModel } from './fixtures.ts';

export const PARENT = 'a1'.repeat(16);
export const CHILD = 'b2'.repeat(16);
export const SCHEDULED = 'c3'.repeat(16);
export const FAILED = 'd4'.repeat(16);
export const KILLED_DELETED = 'e5'.repeat(16);
export const IN_TRASH = 'f6'.repeat(16);

/** One of everything the importer must carry over. */
export function sampleExperiments(): FixtureExperiment[] {
  return [
    { id: '0', name: 'Default', runs: [] },
    {
      id: '1',
      name: 'churn',
      tags: { team: 'growth', 'mlflow.note.content': 'Predict who leaves' },
      runs: [
        {
          id: PARENT,
          name: 'sweep',
          status: 3,
          params: { lr: '0.01', 'optimizer/name': 'adam' },
          tags: {
            'mlflow.runName': 'sweep',
            'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567',
            'mlflow.source.git.branch': 'main',
            'mlflow.note.content': 'Grid over learning rates',
            'mlflow.user': 'ada',
          },
          metrics: {
            loss: [
              [1_700_000_000_000, 0.9, 0],
              [1_700_000_000_100, 0.5, 1],
              [1_700_000_000_200, Number.NaN, 2],
              [1_700_000_000_300, Infinity, 3],
              [1_700_000_000_400, -Infinity, 4],
            ],
            'val/acc/top1': [[1_700_000_000_000, 0.75]],
          },
        },
        { id: CHILD, status: 1, startTime: 1_700_000_000_500, endTime: null, tags: { 'mlflow.runName': 'lr-0.1', 'mlflow.parentRunId': PARENT }, metrics: { loss: [[1_700_000_000_600, 1e-5, 0]] } },
        { id: SCHEDULED, name: 'queued', status: 2, endTime: null },
        { id: FAILED, name: 'crashed', status: 4 },
        { id: KILLED_DELETED, name: 'stopped', status: 5, deleted: true },
      ],
    },
    { id: '7', name: 'abandoned', deleted: true, runs: [{ id: IN_TRASH, name: 'old', status: 3 }] },
  ];
}

export function sampleModels(): FixtureModel[] {
  return [
    {
      name: 'churn-model',
      description: 'Gradient boosting on usage',
      versions: [
        { version: 1, runId: PARENT, source: 'mlflow-artifacts:/1/a1/artifacts/model', stage: 'Production', description: 'first', tags: { validated: 'yes' } },
        { version: 2, runId: CHILD, source: 'mlflow-artifacts:/1/b2/artifacts/model', stage: 'None' },
      ],
      aliases: { champion: 1, challenger: 2 },
    },
  ];
}

/** The store's content, normalised so two imports of the same data compare equal. */
export function dumpStore(store: Store) {
  const db = store.db;
  const runName = new Map((db.prepare('SELECT id, uuid FROM runs').all() as { id: number; uuid: string }[]).map((r) => [r.id, r.uuid]));
  return {
    experiments: db.prepare('SELECT name, description, deleted_at IS NOT NULL AS trashed FROM experiments ORDER BY name').all(),
    experimentTags: db.prepare('SELECT e.name, t.key, t.value FROM experiment_tags t JOIN experiments e ON e.id = t.experiment_id ORDER BY 1, 2').all(),
    runs: (db.prepare(
      `SELECT r.uuid, r.name, r.status, r.start_time AS startTime, r.end_time AS endTime, r.git_commit AS gitCommit, r.git_branch AS gitBranch, r.notes,
        r.deleted_at IS NOT NULL AS trashed, e.name AS experiment, r.parent_run_id AS parent FROM runs r JOIN experiments e ON e.id = r.experiment_id ORDER BY r.uuid`,
    ).all() as { parent: number | null }[]).map((r) => ({ ...r, parent: r.parent === null ? null : runName.get(r.parent) })),
    params: db.prepare('SELECT r.uuid, p.key, p.value FROM params p JOIN runs r ON r.id = p.run_id ORDER BY 1, 2').all(),
    tags: db.prepare('SELECT r.uuid, t.key, t.value FROM tags t JOIN runs r ON r.id = t.run_id ORDER BY 1, 2').all(),
    metrics: db.prepare("SELECT r.uuid, m.key, m.step, m.timestamp, CASE WHEN m.value IS NULL THEN 'NULL' ELSE m.value END AS value FROM metrics m JOIN runs r ON r.id = m.run_id ORDER BY 1, 2, 3, 4").all(),
    models: db.prepare('SELECT name, description FROM registered_models ORDER BY name').all(),
    versions: db
      .prepare('SELECT m.name, v.version, r.uuid AS run, v.artifact_uri AS source, v.description FROM model_versions v JOIN registered_models m ON m.id = v.model_id LEFT JOIN runs r ON r.id = v.run_id ORDER BY 1, 2')
      .all(),
    versionTags: db.prepare('SELECT v.version, t.key, t.value FROM model_version_tags t JOIN model_versions v ON v.id = t.version_id ORDER BY 1, 2').all(),
    aliases: db.prepare('SELECT a.alias, v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id ORDER BY 1').all(),
  };
}
