import type * as vscode from 'vscode';
import type { Services } from '../services.ts';

export function registerMlflow(_services: Services): vscode.Disposable[] {
  return [];
}
