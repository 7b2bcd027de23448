// "RLM: Export Chat History": the chats of a workspace and their files, copied to a folder the user picked.
//   chats.jsonl        one chat per line, newest first: its exchanges as the chat shows them, its session snapshot
//   traces/            each question's trace as it was written (its receipt still verifies; a whole answer the chat
//                      shows only the start of is in its run_end), and the proposed edits with their review
// The chats are cut of the keys in use and of anything shaped like a credential, as every export is (redact.ts);
// the traces were cut of the keys when they were written. No `vscode` here: tested in plain Node.

import * as l10n from '@vscode/l10n';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { redactSecrets } from '../../core/redact';
import { CHANGES_FILE } from '../review/ReviewService';
import { TRACE_FILE } from './ChatService';
import type { ChatRecord } from './ChatStore';

export interface ExportSummary {
  chats: number;
  /** Trace and change-set files copied. */
  files: number;
  /** Files the chats name that were not there any more. */
  missing: number;
}

export async function exportChatHistory(chats: readonly ChatRecord[], tracesDir: string, folder: string, secrets: readonly string[]): Promise<ExportSummary> {
  await createEmptyFolder(folder);
  await mkdir(join(folder, 'traces'));
  const out = createWriteStream(join(folder, 'chats.jsonl'), { encoding: 'utf8' });
  const summary: ExportSummary = { chats: 0, files: 0, missing: 0 };
  try {
    for (const chat of chats) {
      // One chat at a time, each in its own turn of the event loop: a long history never holds the thread.
      await new Promise((resolve) => setImmediate(resolve));
      const line = JSON.stringify(chat, (_key, value: unknown) => (typeof value === 'string' ? redactSecrets(value, secrets) : value));
      if (!out.write(`${line}\n`)) await once(out, 'drain');
      summary.chats++;
      for (const file of chat.exchanges.flatMap((e) => [e.traceFile, e.changesFile])) {
        if (!file || !(TRACE_FILE.test(file) || CHANGES_FILE.test(file))) continue;
        try {
          await copyFile(join(tracesDir, file), join(folder, 'traces', file));
          summary.files++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          summary.missing++;
        }
      }
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return summary;
}

/** The export goes into a folder of its own: a new one, or one that is empty (never over anything). */
async function createEmptyFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const entries = await readdir(folder).catch(() => undefined);
    if (!entries) throw new Error(l10n.t('{0} is a file: pick a name for a new folder.', folder));
    if (entries.length > 0) throw new Error(l10n.t('{0} is not empty: pick a name for a new folder.', folder));
  }
}
