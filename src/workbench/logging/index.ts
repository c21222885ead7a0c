import * as path from 'node:path';
import * as vscode from 'vscode';
import { STORE_ENV } from '../../store/location.ts';
import type { Services } from '../services.ts';
import { loggingGuide } from './guide.ts';

const GUIDE_URI = vscode.Uri.from({ scheme: 'ml-lifecycle-guide', path: '/Log training runs from Python.md' });
const LOGGER_FILE = 'ml_lifecycle.py';

/** Terminal environment for the Python logger, and the commands that help people start logging. */
export function registerLogging(services: Services): vscode.Disposable[] {
  const { context, log } = services;
  const pythonFolder = path.join(context.extensionPath, 'python');

  const terminalsReady = (): boolean =>
    vscode.workspace.isTrusted && services.stores.path !== undefined && vscode.workspace.getConfiguration('mlLifecycle').get<boolean>('pythonLogger.addToTerminals', true);

  /** New integrated terminals get `import ml_lifecycle` and the store; only in trusted workspaces. */
  const updateTerminals = (): void => {
    const environment = context.environmentVariableCollection;
    environment.clear();
    const storePath = services.stores.path;
    if (!terminalsReady() || storePath === undefined) {
      environment.description = undefined;
      return;
    }
    environment.description = `ML Lifecycle: puts the Python logger on PYTHONPATH and the store (${storePath}) in ${STORE_ENV}, so \`import ml_lifecycle\` logs runs to this workspace.`;
    environment.prepend('PYTHONPATH', pythonFolder + path.delimiter);
    environment.replace(STORE_ENV, storePath);
    log.debug(`Terminals get PYTHONPATH ${pythonFolder} and ${STORE_ENV}=${storePath}`);
  };
  updateTerminals();

  const guide = new (class implements vscode.TextDocumentContentProvider {
    readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;
    provideTextDocumentContent(): string {
      return loggingGuide({ storePath: services.stores.path, trusted: vscode.workspace.isTrusted, terminalsReady: terminalsReady() });
    }
  })();

  const refresh = (): void => {
    updateTerminals();
    guide.changed.fire(GUIDE_URI);
  };

  return [
    guide.changed,
    vscode.workspace.registerTextDocumentContentProvider(GUIDE_URI.scheme, guide),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mlLifecycle.pythonLogger.addToTerminals') || event.affectsConfiguration('mlLifecycle.storePath')) refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
    vscode.commands.registerCommand('mlLifecycle.showLoggingGuide', async () => {
      guide.changed.fire(GUIDE_URI);
      try {
        await vscode.commands.executeCommand('markdown.showPreview', GUIDE_URI);
      } catch {
        // No Markdown preview (a minimal editor build): the source reads well too.
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(GUIDE_URI), { preview: true });
      }
    }),
    vscode.commands.registerCommand('mlLifecycle.copyPythonLogger', () =>
      services.run('Copy the Python logger', async () => {
        if (!vscode.workspace.isTrusted) throw new Error('This workspace is not trusted, so ML Lifecycle does not write into it. Trust the workspace first.');
        const folders = vscode.workspace.workspaceFolders ?? [];
        const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Copy {0} into which folder?', LOGGER_FILE) }) : folders[0];
        if (!folder) {
          if (folders.length === 0) throw new Error('Open a folder first: the logger is copied into the workspace folder.');
          return;
        }
        const fresh = await vscode.workspace.fs.readFile(vscode.Uri.file(path.join(pythonFolder, LOGGER_FILE)));
        const target = vscode.Uri.joinPath(folder.uri, LOGGER_FILE);
        let existing: Uint8Array | undefined;
        try {
          existing = await vscode.workspace.fs.readFile(target);
        } catch {
          existing = undefined; // not there yet
        }
        if (existing && Buffer.from(existing).equals(Buffer.from(fresh))) {
          void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already this extension\'s logger (version {1}).', target.fsPath, loggerVersion(fresh)));
          return;
        }
        if (existing) {
          const replace = 'Replace';
          const choice = await vscode.window.showWarningMessage(
            vscode.l10n.t('{0} already exists in {1} and differs from the extension\'s logger.', LOGGER_FILE, folder.name),
            {
              modal: true,
              detail: vscode.l10n.t('Your copy: version {0}. The extension\'s: version {1}. Replacing overwrites your copy, including any change you made to it.', loggerVersion(existing), loggerVersion(fresh)),
            },
            replace,
          );
          if (choice !== replace) return;
        }
        await vscode.workspace.fs.writeFile(target, fresh);
        log.info(`Copied the Python logger (version ${loggerVersion(fresh)}) to ${target.fsPath}`);
        const open = 'Open';
        const howTo = 'How to Log';
        const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Copied {0} into {1}: scripts there can now "import ml_lifecycle".', LOGGER_FILE, folder.name), open, howTo);
        if (choice === open) await vscode.window.showTextDocument(target);
        if (choice === howTo) await vscode.commands.executeCommand('mlLifecycle.showLoggingGuide');
      }),
    ),
  ];
}

function loggerVersion(source: Uint8Array): string {
  return /^__version__ = "([^"]+)"/m.exec(Buffer.from(source).toString('utf8'))?.[1] ?? 'unknown';
}
