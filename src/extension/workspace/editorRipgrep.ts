// The ripgrep VS Code ships, so grep() is fast where none is on the PATH.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** Its path in this editor's install, or undefined when the layout holds none. */
export async function editorRipgrep(): Promise<string | undefined> {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const dir of ['node_modules/@vscode/ripgrep/bin', 'node_modules.asar.unpacked/@vscode/ripgrep/bin']) {
    const candidate = join(vscode.env.appRoot, dir, exe);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this layout.
    }
  }
  return undefined;
}
