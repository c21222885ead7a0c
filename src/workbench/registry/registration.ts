import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { artifactUri } from '../../registry/artifacts.ts';
import { formatBytes } from '../../shared/format.ts';
import { hashPath, type ArtifactHash } from '../../shared/hashPath.ts';
import { runArtifacts } from '../../registry/lineage.ts';
import { DuplicateArtifactError, type ModelVersion, finishedRuns, listModels, registerModelVersion } from '../../registry/models.ts';
import { formatTime, truncateLabel } from '../../shared/format.ts';
import type { Store } from '../../store/database.ts';
import { getRun, validateName } from '../../tracking/experiments.ts';
import type { ExperimentsNode } from '../../tracking/treeModel.ts';
import type { Services } from '../services.ts';
import { workspaceFolder } from './pick.ts';

interface ArtifactChoice {
  path: string;
  source: 'run' | 'file';
  /** The hash the run logged, to notice a file that changed since. */
  logged?: string | null;
}

async function pickRun(store: Store, node: unknown): Promise<{ runId: number | null } | undefined> {
  const clicked = node as Partial<Extract<ExperimentsNode, { kind: 'run' }>> | undefined;
  if (clicked?.kind === 'run' && typeof clicked.run?.id === 'number') return { runId: clicked.run.id };
  const runs = finishedRuns(store);
  const picked = await vscode.window.showQuickPick(
    [
      ...runs.map((run) => ({
        label: truncateLabel(run.name, 80),
        description: truncateLabel(run.experimentName, 60),
        detail: run.endTime ? `finished ${formatTime(run.endTime)}` : undefined,
        runId: run.id,
      })),
      { label: '$(file) No run: register a file on its own', description: 'no lineage or metrics', runId: null },
    ],
    { title: vscode.l10n.t('Register Model Version: pick the finished run that produced the model'), matchOnDescription: true, placeHolder: runs.length ? vscode.l10n.t('Type to filter runs') : vscode.l10n.t('No finished runs yet') },
  );
  return picked && { runId: picked.runId };
}

async function pickModelName(store: Store): Promise<{ name: string; description?: string } | undefined> {
  const models = listModels(store);
  const NEW = '$(add) New model…';
  const picked = await vscode.window.showQuickPick(
    [
      ...models.map((m) => ({ label: truncateLabel(m.name, 80), description: `${m.versionCount} version${m.versionCount === 1 ? '' : 's'}`, name: m.name })),
      { label: NEW, description: 'create a registered model', name: '' },
    ],
    { title: vscode.l10n.t('Register Model Version: which model is this a version of?'), placeHolder: models.length ? vscode.l10n.t('Pick a model, or create one') : vscode.l10n.t('No models yet: create one') },
  );
  if (!picked) return undefined;
  if (picked.name) return { name: picked.name };
  const existing = new Set(models.map((m) => m.name));
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('New model: name'),
    prompt: vscode.l10n.t('A name for the model, e.g. "churn-classifier"; its versions are numbered 1, 2, 3…'),
    validateInput: (value) => {
      try {
        const clean = validateName('model', value);
        return existing.has(clean) ? `A model named "${clean}" exists: pick it from the list instead.` : undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (name === undefined) return undefined;
  const description = await vscode.window.showInputBox({ title: vscode.l10n.t('New model: description (optional)'), prompt: vscode.l10n.t('What the model predicts, for whom') });
  if (description === undefined) return undefined;
  return { name: name.trim(), description };
}

async function pickArtifact(store: Store, runId: number | null): Promise<ArtifactChoice | undefined> {
  const logged = runId === null ? [] : runArtifacts(store, runId);
  const FILE = '$(file) Choose a file…';
  const FOLDER = '$(folder) Choose a folder…';
  const picked = await vscode.window.showQuickPick(
    [
      ...logged.map((a) => ({
        label: truncateLabel(path.basename(a.path), 80),
        description: `${a.kind}${a.size === null ? '' : ` · ${formatBytes(a.size)}`}`,
        detail: a.path,
        artifact: a,
      })),
      { label: FILE, description: 'any file on disk', artifact: undefined },
      { label: FOLDER, description: 'a saved-model folder', artifact: undefined },
    ],
    { title: vscode.l10n.t('Register Model Version: the model artifact'), placeHolder: logged.length ? vscode.l10n.t('Pick one of the run\'s logged artifacts, or any file') : vscode.l10n.t('The run logged no artifacts: choose a file'), matchOnDetail: true },
  );
  if (!picked) return undefined;
  if (picked.artifact) {
    if (!fs.existsSync(picked.artifact.path)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The artifact {0} that the run logged no longer exists on disk. Restore it, or choose another file.', picked.artifact.path));
      return undefined;
    }
    return { path: picked.artifact.path, source: 'run', logged: picked.artifact.sha256 };
  }
  const folders = picked.label === FOLDER;
  const uris = await vscode.window.showOpenDialog({
    title: folders ? vscode.l10n.t('Model folder') : vscode.l10n.t('Model file'),
    canSelectFiles: !folders,
    canSelectFolders: folders,
    canSelectMany: false,
    defaultUri: workspaceFolder(),
    openLabel: 'Register',
  });
  const uri = uris?.[0];
  return uri ? { path: uri.fsPath, source: 'file' } : undefined;
}

function hashWithProgress(file: string): Thenable<ArtifactHash | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Hashing {0}', path.basename(file)), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      let shown = 0;
      try {
        return await hashPath(file, {
          signal: controller.signal,
          onBytes: (bytes) => {
            if (bytes - shown >= 64 * 1024 * 1024) {
              shown = bytes;
              progress.report({ message: `${formatBytes(bytes)} read` });
            }
          },
        });
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        throw error;
      } finally {
        subscription.dispose();
      }
    },
  );
}

/** mlLifecycle.registerModelVersion: run -> model -> artifact (hashed) -> description -> new version. */
export async function registerVersionCommand(services: Services, node: unknown): Promise<ModelVersion | undefined> {
  const store = services.stores.current();
  if (!store) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no ML Lifecycle store in this workspace yet. Log a run first, then register its model.'));
    return undefined;
  }
  const run = await pickRun(store, node);
  if (!run) return undefined;
  if (run.runId !== null) {
    const summary = getRun(store, run.runId);
    if (summary && summary.status !== 'FINISHED') {
      void vscode.window.showWarningMessage(vscode.l10n.t('Run "{0}" is {1}. Only finished runs can be registered, so the version\'s metrics are final.', truncateLabel(summary.name, 60), summary.status));
      return undefined;
    }
  }
  const model = await pickModelName(store);
  if (!model) return undefined;
  const artifact = await pickArtifact(store, run.runId);
  if (!artifact) return undefined;
  const hash = await hashWithProgress(artifact.path);
  if (!hash) return undefined;
  if (artifact.logged && artifact.logged !== hash.sha256) {
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} changed since the run logged it.', path.basename(artifact.path)),
      { modal: true, detail: vscode.l10n.t('Logged sha256 {0}…, now {1}…. The version would not be the model the run\'s metrics describe.', artifact.logged.slice(0, 16), hash.sha256.slice(0, 16)) },
      'Register the Current File',
    );
    if (!choice) return undefined;
  }
  const description = await vscode.window.showInputBox({ title: vscode.l10n.t('Version description (optional)'), prompt: vscode.l10n.t('What is new in this version, e.g. "depth 6, trained on June data"') });
  if (description === undefined) return undefined;

  const register = (allowDuplicate: boolean) =>
    registerModelVersion(services.stores.forWriting(), {
      modelName: model.name,
      modelDescription: model.description,
      runId: run.runId,
      artifact: { uri: artifactUri(artifact.path), sha256: hash.sha256, size: hash.size },
      artifactSource: artifact.source,
      description,
      allowDuplicate,
    });
  let version: ModelVersion | undefined;
  try {
    version = register(false);
  } catch (error) {
    if (!(error instanceof DuplicateArtifactError)) throw error;
    const choice = await vscode.window.showWarningMessage(
      error.message,
      { modal: true, detail: vscode.l10n.t('Registering it again gives the same file a new version number. Usually you want an alias on the existing version instead.') },
      'Register Again',
    );
    if (!choice) return undefined;
    version = register(true);
  }
  services.stores.notifyChanged();
  services.log.info(`Registered ${version.modelName} v${version.version} (${version.artifactUri}, sha256 ${version.artifactSha256})`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Registered {0} v{1}.', truncateLabel(version.modelName, 60), version.version), 'Promote to Champion…', 'Set Alias…').then((choice) => {
    const node = { kind: 'version', versionId: version.id, modelId: version.modelId };
    if (choice === 'Promote to Champion…') void vscode.commands.executeCommand('mlLifecycle.promoteToChampion', node);
    if (choice === 'Set Alias…') void vscode.commands.executeCommand('mlLifecycle.setAlias', node);
  });
  return version;
}
