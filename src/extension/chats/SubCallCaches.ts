// The sub-call caches of a window: one per folder, in the extension's global storage (on this machine, outside
// every workspace, so model code cannot read it), opened on a folder's first question and written out when the
// window closes.

import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cacheFileFor, SubCallCacheFile } from '../../core/loop/SubCallCache';
import type { FolderRef } from './ChatStore';

export class SubCallCaches {
  private readonly open = new Map<string, SubCallCacheFile>();

  constructor(private readonly dir: string) {}

  /** The folder's cache; undefined when the storage lies inside the folder itself. */
  for(folder: FolderRef): SubCallCacheFile | undefined {
    let cache = this.open.get(folder.uri);
    if (cache) return cache;
    const file = this.fileOf(folder);
    if (!file) return undefined;
    cache = new SubCallCacheFile(file);
    this.open.set(folder.uri, cache);
    return cache;
  }

  /**
   * Empties the caches of these folders ("Clear Chat History"): an open one forgets its answers and deletes its file;
   * a file not opened this session is deleted without being read first.
   */
  async clear(folders: readonly FolderRef[]): Promise<void> {
    await Promise.all(folders.map(async (folder) => {
      const open = this.open.get(folder.uri);
      if (open) return open.clear();
      const file = this.fileOf(folder);
      if (file) await rm(file, { force: true });
    }));
  }

  private fileOf(folder: FolderRef): string | undefined {
    const root = folder.uri.startsWith('file:') ? fileURLToPath(folder.uri) : undefined;
    return cacheFileFor(this.dir, folder.uri, root);
  }

  /** Writes out what is pending in every cache. */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((cache) => cache.close()));
  }
}
