import * as vscode from 'vscode';

/**
 * What every webview panel's host needs: the panel's subscriptions, disposed with the panel (or
 * with the extension), and refreshes on store changes that wait while the panel is hidden.
 */
export abstract class PanelHost implements vscode.Disposable {
  protected readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The store changed while the panel was hidden: refresh when it shows again. */
  private stale = false;
  private disposed = false;
  /** The last `model` message posted, so an unchanged one is not sent again. */
  private postedModel = '';

  constructor(panel: vscode.WebviewPanel) {
    this.panel = panel;
    this.track(panel.onDidDispose(() => this.dispose()));
  }

  /** Disposed with the panel. */
  protected track(...subscriptions: vscode.Disposable[]): void {
    this.subscriptions.push(...subscriptions);
  }

  /** Calls `refresh` on each `change` while the panel is visible; changes while hidden wait until it shows. */
  protected refreshWhenVisible(change: vscode.Event<unknown>, refresh: () => void): void {
    const run = () => {
      this.stale = false;
      refresh();
    };
    this.track(
      change(() => {
        if (this.panel.visible) run();
        else this.stale = true;
      }),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible && this.stale) run();
      }),
    );
  }

  /** Posts to the webview; a `model` equal to the last one posted is skipped unless `force` (the page already shows it). */
  protected postToWebview(message: { type: string }, force = false): void {
    if (message.type === 'model') {
      const text = JSON.stringify(message);
      if (!force && text === this.postedModel) return;
      this.postedModel = text;
    }
    void this.panel.webview.postMessage(message);
  }

  /** The host's own clean-up, before its subscriptions are disposed. */
  protected abstract onDispose(): void;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
