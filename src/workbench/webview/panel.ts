import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { z } from 'zod';

/** Options every panel of ours uses: scripts on, resources from dist/webview and media only. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The page of a webview: a strict CSP (nonce scripts only, nothing remote, no inline styles),
 * the panel's bundle and the shared stylesheet. Dynamic content is rendered by the script,
 * never interpolated here.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: 'compare' | 'compareGroups' | 'framing' | 'audit' | 'drift' | 'run' | 'runs', title: string): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  const escapedTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
<title>${escapedTitle}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', `${bundle}.js`)}"></script>
</body>
</html>`;
}

/**
 * Receives messages from a webview and passes on only those that match the contract's schema;
 * anything else is logged and dropped, since webview content is untrusted.
 */
export function onValidMessage<T>(
  webview: vscode.Webview,
  schema: z.ZodType<T>,
  log: vscode.LogOutputChannel,
  handler: (message: T) => void | Promise<void>,
): vscode.Disposable {
  return webview.onDidReceiveMessage(async (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      log.warn(`Dropped a malformed webview message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return;
    }
    try {
      await handler(parsed.data);
    } catch (error) {
      log.error(`Webview request failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('ML Lifecycle: {0}', (error as Error).message));
    }
  });
}

/** A panel serializer from a restore that needs no waiting (VS Code asks for a thenable). */
export function restoreWith(restore: (panel: vscode.WebviewPanel, state: unknown) => void): vscode.WebviewPanelSerializer {
  return {
    deserializeWebviewPanel: (panel, state) => {
      restore(panel, state);
      return Promise.resolve();
    },
  };
}
