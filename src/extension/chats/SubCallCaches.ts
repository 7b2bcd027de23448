// The sub-call caches of a window: one per folder, in the extension's global storage (on this machine, outside
// every workspace, so model code cannot read it), opened on a folder's first question and written out when the
// window closes.

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
    const root = folder.uri.startsWith('file:') ? fileURLToPath(folder.uri) : undefined;
    const file = cacheFileFor(this.dir, folder.uri, root);
    if (!file) return undefined;
    cache = new SubCallCacheFile(file);
    this.open.set(folder.uri, cache);
    return cache;
  }

  /** Empties the caches of these folders, open this session or not ("Clear Chat History"). */
  async clear(folders: readonly FolderRef[]): Promise<void> {
    await Promise.all(folders.map((folder) => this.for(folder)?.clear()));
  }

  /** Writes out what is pending in every cache. */
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((cache) => cache.close()));
  }
}
