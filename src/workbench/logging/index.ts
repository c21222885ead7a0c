import type * as vscode from 'vscode';
import type { Services } from '../services.ts';

export function registerLogging(_services: Services): vscode.Disposable[] {
  return [];
}
