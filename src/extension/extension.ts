// The VS Code extension's entry point. RlmExtension makes and owns everything the extension runs; deactivate gives
// it a moment to stop the running question and save the caches before VS Code disposes of it.

import type * as vscode from 'vscode';
import { RlmExtension } from './RlmExtension';

let extension: RlmExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new RlmExtension(context);
  context.subscriptions.push(extension);
}

export async function deactivate(): Promise<void> {
  await extension?.close();
  extension = undefined;
}
