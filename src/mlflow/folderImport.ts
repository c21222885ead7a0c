import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeTransaction } from '../store/database.ts';
import { MetaError, type Meta, metaInteger, metaString, readMeta } from './meta.ts';
import { parseMetricChunk } from './metricLines.ts';
import { writeModels } from './registryWriter.ts';
import { skip } from './summary.ts';
import { ChunkPoints, numberTies } from './tiedPoints.ts';
import { recordSource, trashVanished } from './syncState.ts';
import { type ImportOptions, type ImportWriter, type MlflowModel, type MlflowModelVersion, PointWriter, runStatusOf } from './writer.ts';
import { formatCount } from '../shared/format.ts';

/** Folders inside an experiment folder that are not runs (MLflow's FileStore reserves them). */
const NOT_RUNS = new Set(['tags', 'datasets', 'traces', 'models', 'inputs']);
const TRASH = '.trash';
const MODELS = 'models';
/** A metric file changed this recently may still be getting its last line. */
const SETTLED_MS = 2000;
/** A batch of runs is written in one transaction once it holds about this much metric text. */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_RUNS = 100;

interface ExperimentFolder {
  dir: string;
  deleted: boolean;
  mlflowId: string;
  storeId?: number;
  runDirs: string[];
}

interface MetricFileChunk {
  key: string;
  file: string;
  text: string;
  startBytes: number;
  firstLine: number;
  final: boolean;
}

interface RunFolder {
  dir: string;
  experiment: ExperimentFolder;
  meta: Meta;
  uuid: string;
  tags: Map<string, string>;
  params: Map<string, string>;
  metrics: MetricFileChunk[];
  textBytes: number;
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Every file under `dir`, by its path relative to `dir` with '/' separators (MLflow's nested keys). */
async function filesUnder(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Reads params/ or tags/: one file per key, the raw value as its content. */
async function readValues(writer: ImportWriter, dir: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const key of await filesUnder(dir)) {
    const file = path.join(dir, key);
    try {
      values.set(key, await fs.readFile(file, 'utf8'));
    } catch (error) {
      skip(writer.summary, { where: file, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return values;
}

/** A folder's meta.yaml, or undefined after noting in the summary why the folder is skipped. */
async function readMetaOrSkip(writer: ImportWriter, metaFile: string, what: string): Promise<Meta | undefined> {
  try {
    return await readMeta(metaFile);
  } catch (error) {
    if (!(error instanceof MetaError)) throw error;
    skip(writer.summary, { where: metaFile, ...(error.line ? { line: error.line } : {}), reason: `${error.message}; ${what} skipped` });
    return undefined;
  }
}

async function experimentFolder(writer: ImportWriter, dir: string, deleted: boolean): Promise<{ folder: ExperimentFolder; meta: Meta } | undefined> {
  const metaFile = path.join(dir, 'meta.yaml');
  const meta = await readMetaOrSkip(writer, metaFile, 'experiment folder');
  if (!meta) return undefined;
  const folderId = path.basename(dir);
  const mlflowId = metaString(meta, 'experiment_id') ?? folderId;
  if (mlflowId !== folderId) {
    skip(writer.summary, { where: metaFile, reason: `experiment_id ${mlflowId} does not match its folder ${folderId} (MLflow ignores it too); skipped` });
    return undefined;
  }
  const runDirs = (await subfolders(dir)).filter((name) => !NOT_RUNS.has(name) && !name.startsWith('.')).map((name) => path.join(dir, name));
  return { folder: { dir, deleted, mlflowId, runDirs }, meta };
}

/** Reads one run folder: meta, params, tags, and the metric lines added since the last import. */
async function readRun(writer: ImportWriter, experiment: ExperimentFolder, dir: string): Promise<RunFolder | undefined> {
  const metaFile = path.join(dir, 'meta.yaml');
  const meta = await readMetaOrSkip(writer, metaFile, 'run folder');
  if (!meta) return undefined;
  // MLflow finds a run by its folder's name; meta.yaml must agree (a number there is YAML reading digits).
  const uuid = path.basename(dir);
  const metaId = meta.run_id ?? meta.run_uuid;
  if (typeof metaId === 'string' && metaId !== uuid) {
    skip(writer.summary, { where: metaFile, reason: `run_id ${metaId} does not match its folder ${uuid} (MLflow ignores it too); run skipped` });
    return undefined;
  }
  const metaExperiment = metaString(meta, 'experiment_id');
  if (metaExperiment !== undefined && metaExperiment !== experiment.mlflowId) {
    skip(writer.summary, { where: metaFile, reason: `experiment_id ${metaExperiment} does not match the experiment folder ${experiment.mlflowId} (MLflow ignores it too); run skipped` });
    return undefined;
  }
  const [params, tags] = await Promise.all([readValues(writer, path.join(dir, 'params')), readValues(writer, path.join(dir, 'tags'))]);
  const runId = writer.existingRunId(uuid);
  const state = new Map<string, { bytes: number; lines: number }>();
  if (runId !== undefined) {
    const rows = writer.db.prepare('SELECT key, bytes, lines FROM mlflow_metric_files WHERE run_id = ?').all(runId) as { key: string; bytes: number; lines: number }[];
    for (const row of rows) state.set(row.key, row);
  }
  const metricsDir = path.join(dir, 'metrics');
  const metrics: MetricFileChunk[] = [];
  let textBytes = 0;
  const now = Date.now();
  for (const key of await filesUnder(metricsDir)) {
    const file = path.join(metricsDir, key);
    try {
      const stat = await fs.stat(file);
      const known = state.get(key);
      if (known && known.bytes === stat.size) continue;
      // A file shorter than what was read was rewritten: read it again from the start.
      const from = known && known.bytes < stat.size ? known : { bytes: 0, lines: 0 };
      const handle = await fs.open(file, 'r');
      let text: string;
      try {
        const buffer = Buffer.alloc(stat.size - from.bytes);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, from.bytes);
        text = buffer.toString('utf8', 0, bytesRead);
      } finally {
        await handle.close();
      }
      textBytes += text.length;
      metrics.push({ key, file, text, startBytes: from.bytes, firstLine: from.lines + 1, final: now - stat.mtimeMs > SETTLED_MS });
    } catch (error) {
      skip(writer.summary, { where: file, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { dir, experiment, meta, uuid, tags, params, metrics, textBytes };
}

/** Writes a batch of runs, whole, in one transaction. */
function writeRuns(writer: ImportWriter, points: PointWriter, runs: readonly RunFolder[]): void {
  writer.batch(() => {
    const pointsAt = writer.db.prepare('SELECT count(*) FROM metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ?').pluck();
    const fileState = writer.db.prepare('INSERT INTO mlflow_metric_files (run_id, key, bytes, lines) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET bytes = excluded.bytes, lines = excluded.lines');
    for (const run of runs) {
      const metaFile = path.join(run.dir, 'meta.yaml');
      const rawStatus = run.meta.status;
      const status = runStatusOf(typeof rawStatus === 'number' || typeof rawStatus === 'string' ? rawStatus : undefined);
      if (!status) skip(writer.summary, { where: metaFile, reason: `status ${String(rawStatus)} is not an MLflow run status; the run was imported as KILLED` });
      const startTime = metaInteger(run.meta, 'start_time');
      const endTime = metaInteger(run.meta, 'end_time');
      const { id } = writer.run({
        uuid: run.uuid,
        experimentId: run.experiment.storeId!,
        name: metaString(run.meta, 'run_name'),
        status: status ?? 'KILLED',
        startTime: startTime ?? endTime ?? 0,
        endTime,
        deleted: metaString(run.meta, 'lifecycle_stage') === 'deleted',
        deletedAt: metaInteger(run.meta, 'deleted_time'),
        userId: metaString(run.meta, 'user_id') || undefined,
        tags: run.tags,
        params: run.params,
      });
      for (const metric of run.metrics) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        const key = metric.key;
        const read = new ChunkPoints();
        const chunk = parseMetricChunk(metric.text, metric.firstLine, metric.final, (step, timestamp, value) => {
          read.push(step, timestamp, value);
          if (step < lo) lo = step;
          if (step > hi) hi = step;
        });
        const before = metric.startBytes > 0 ? (step: number, timestamp: number) => pointsAt.get(id, key, step, timestamp) as number : undefined;
        numberTies(read, before, (step, timestamp, value, seq) => points.add(id, key, step, timestamp, value, seq));
        for (const problem of chunk.problems) skip(writer.summary, { where: metric.file, line: problem.line, reason: `${problem.reason}; line skipped` });
        if (chunk.points) writer.markDirty(id, key, lo, hi);
        fileState.run(id, key, metric.startBytes + chunk.bytes, metric.firstLine - 1 + chunk.lines);
      }
      points.flush();
      if (status === 'RUNNING') writer.touchHeartbeat(id);
    }
  });
  writer.summary.metricPoints += points.inserted;
  points.inserted = 0;
}

/** Imports an mlruns/ folder: experiments (and .trash), runs, metric histories, the model registry. */
export async function importFolder(writer: ImportWriter, options: ImportOptions): Promise<void> {
  const root = writer.source.path;
  const found: { folder: ExperimentFolder; meta: Meta }[] = [];
  for (const name of await subfolders(root)) {
    if (name.startsWith('.') || name === MODELS) continue;
    const experiment = await experimentFolder(writer, path.join(root, name), false);
    if (experiment) found.push(experiment);
  }
  const active = new Set(found.map((e) => e.folder.mlflowId));
  for (const name of await subfolders(path.join(root, TRASH))) {
    const experiment = await experimentFolder(writer, path.join(root, TRASH, name), true);
    if (!experiment) continue;
    if (active.has(experiment.folder.mlflowId)) {
      skip(writer.summary, { where: experiment.folder.dir, reason: `experiment ${experiment.folder.mlflowId} is also active outside the trash; the active one was imported` });
    } else found.push(experiment);
  }
  const experimentTags = await Promise.all(found.map((e) => readValues(writer, path.join(e.folder.dir, 'tags'))));
  writeTransaction(writer.store, () => {
    found.forEach(({ folder, meta }, index) => {
      const deleted = folder.deleted || metaString(meta, 'lifecycle_stage') === 'deleted';
      folder.storeId = writer.experiment({
        id: folder.mlflowId,
        name: metaString(meta, 'name') ?? '',
        deleted,
        deletedAt: deleted ? metaInteger(meta, 'last_update_time') : undefined,
        createdAt: metaInteger(meta, 'creation_time'),
        tags: experimentTags[index]!,
      });
    });
  });

  const total = found.reduce((n, e) => n + e.folder.runDirs.length, 0);
  const points = new PointWriter(writer.db);
  let done = 0;
  let batch: RunFolder[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length) writeRuns(writer, points, batch);
    done += batch.length;
    batch = [];
    batchBytes = 0;
    options.onProgress?.({ done, total, message: `${formatCount(done)} of ${formatCount(total)} runs` });
  };
  for (const { folder } of found) {
    for (const dir of folder.runDirs) {
      if (options.isCancelled?.()) {
        writer.summary.cancelled = true;
        return;
      }
      const run = await readRun(writer, folder, dir);
      if (!run) {
        done++;
        continue;
      }
      batch.push(run);
      batchBytes += run.textBytes;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_RUNS) flush();
    }
  }
  if (options.isCancelled?.()) {
    writer.summary.cancelled = true;
    return;
  }
  flush();
  const models = await readModels(writer, path.join(root, MODELS));
  const present = await presentFolders(root);
  writeTransaction(writer.store, () => {
    writeModels(writer, models);
    trashVanished(writer, present.experiments, present.runs);
    recordSource(writer, null);
  });
}

/** Every experiment and run folder on disk, readable or not: only what is gone counts as removed. */
async function presentFolders(root: string): Promise<{ experiments: Set<string>; runs: Set<string> }> {
  const experiments = new Set<string>();
  const runs = new Set<string>();
  for (const parent of [root, path.join(root, TRASH)]) {
    for (const name of await subfolders(parent)) {
      if (name.startsWith('.') || (parent === root && name === MODELS)) continue;
      experiments.add(name);
      for (const run of await subfolders(path.join(parent, name))) runs.add(run);
    }
  }
  return { experiments, runs };
}

async function readModels(writer: ImportWriter, modelsDir: string): Promise<MlflowModel[]> {
  const models: MlflowModel[] = [];
  for (const name of await subfolders(modelsDir)) {
    const dir = path.join(modelsDir, name);
    const meta = await readMetaOrSkip(writer, path.join(dir, 'meta.yaml'), 'registered model');
    if (!meta) continue;
    const modelName = metaString(meta, 'name') ?? name;
    const versions: MlflowModelVersion[] = [];
    for (const versionName of await subfolders(dir)) {
      if (!/^version-\d+$/.test(versionName)) continue;
      const versionDir = path.join(dir, versionName);
      const versionFile = path.join(versionDir, 'meta.yaml');
      const versionMeta = await readMetaOrSkip(writer, versionFile, 'model version');
      if (!versionMeta) continue;
      const stage = metaString(versionMeta, 'current_stage');
      if (stage === 'Deleted_Internal') continue;
      versions.push({
        version: metaInteger(versionMeta, 'version') ?? Number(versionName.slice('version-'.length)),
        runUuid: metaString(versionMeta, 'run_id') || undefined,
        source: metaString(versionMeta, 'source') ?? metaString(versionMeta, 'storage_location') ?? '',
        description: metaString(versionMeta, 'description') || undefined,
        createdAt: metaInteger(versionMeta, 'creation_timestamp'),
        stage,
        tags: await readValues(writer, path.join(versionDir, 'tags')),
      });
    }
    const aliases = new Map<string, number>();
    for (const [alias, value] of await readValues(writer, path.join(dir, 'aliases'))) {
      const version = Number(value.trim());
      if (Number.isSafeInteger(version)) aliases.set(alias, version);
      else skip(writer.summary, { where: path.join(dir, 'aliases', alias), reason: `holds "${value.trim().slice(0, 40)}", not a version number; alias skipped` });
    }
    const modelTags = await filesUnder(path.join(dir, 'tags'));
    if (modelTags.length) writer.summary.notes.push(`Model "${modelName}" has ${modelTags.length} tag(s) in MLflow; ML Lifecycle keeps tags on versions only, so they were not imported.`);
    models.push({ name: modelName, description: metaString(meta, 'description') || undefined, createdAt: metaInteger(meta, 'creation_timestamp'), versions, aliases });
  }
  return models;
}
