import type * as vscode from 'vscode';
import type { Services } from '../services.ts';

export function registerRegistry(_services: Services): vscode.Disposable[] {
  return [];
}
