/**
 * The run attributes a filter, a sort or a table column can name (`attributes.status`, or bare
 * `status`): MLflow's searchable attributes, with its aliases, plus what ML Lifecycle keeps besides.
 * `sql` is an expression over `runs r` joined to `experiments e`; `@stale` is bound to the time
 * before which a RUNNING run's heartbeat counts as stale (it then reads as KILLED, as everywhere).
 */
import { effectiveStatusSql } from '../tracking/staleness.ts';

/** A boolean attribute is 1 or 0 in SQL and compares with true or false. */
export type ValueType = 'text' | 'number' | 'boolean';

/** The tag that stars a run ("true"); any other value, or none, is not starred. */
export const STARRED_TAG = 'ml_lifecycle.starred';

export interface AttributeDef {
  key: string;
  label: string;
  type: ValueType;
  sql: string;
  /** MLflow's search_runs accepts it too. */
  mlflow: boolean;
}

export const ATTRIBUTES: readonly AttributeDef[] = [
  { key: 'run_id', label: 'Run ID', type: 'text', sql: 'r.uuid', mlflow: true },
  { key: 'run_name', label: 'Name', type: 'text', sql: 'r.name', mlflow: true },
  {
    key: 'status',
    label: 'Status',
    type: 'text',
    sql: effectiveStatusSql('r', '@stale'),
    mlflow: true,
  },
  { key: 'user_id', label: 'User', type: 'text', sql: 'r.user_name', mlflow: true },
  { key: 'start_time', label: 'Started', type: 'number', sql: 'r.start_time', mlflow: true },
  { key: 'end_time', label: 'Ended', type: 'number', sql: 'r.end_time', mlflow: true },
  { key: 'experiment', label: 'Experiment', type: 'text', sql: 'e.name', mlflow: false },
  { key: 'duration', label: 'Duration', type: 'number', sql: '(coalesce(r.end_time, r.heartbeat_at, r.start_time) - r.start_time)', mlflow: false },
  { key: 'git_commit', label: 'Git commit', type: 'text', sql: 'r.git_commit', mlflow: false },
  { key: 'git_branch', label: 'Git branch', type: 'text', sql: 'r.git_branch', mlflow: false },
  { key: 'source', label: 'Source', type: 'text', sql: 'r.source', mlflow: false },
  { key: 'entry_point', label: 'Entry point', type: 'text', sql: 'r.entry_point', mlflow: false },
  { key: 'host', label: 'Host', type: 'text', sql: 'r.host', mlflow: false },
  {
    key: 'registered_versions',
    label: 'Registered versions',
    type: 'number',
    sql: '(SELECT count(*) FROM model_versions v WHERE v.run_id = r.id)',
    mlflow: false,
  },
  {
    key: 'starred',
    label: 'Starred',
    type: 'boolean',
    sql: `EXISTS (SELECT 1 FROM tags s WHERE s.run_id = r.id AND s.key = '${STARRED_TAG}' AND s.value = 'true')`,
    mlflow: false,
  },
];

/** MLflow's alternative spellings. */
const ALIASES: Readonly<Record<string, string>> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' };

/** MLflow attributes that the store does not keep, with why. */
export const NOT_KEPT: Readonly<Record<string, string>> = {
  artifact_uri: 'ML Lifecycle keeps artifacts per file, not an artifact URI per run; filter on tags or params instead',
  lifecycle_stage: 'runs in the trash are never listed',
};

const BY_KEY = new Map(ATTRIBUTES.map((a) => [a.key, a]));

export function findAttribute(key: string): AttributeDef | undefined {
  return BY_KEY.get(ALIASES[key] ?? key);
}
