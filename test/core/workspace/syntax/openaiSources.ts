// Real TypeScript no one on this team wrote, for the cold-index tests: the openai package's sources (about 500
// files), copied to a folder of the test's own, and the file records the walk would give the symbol index.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceFileRecord } from '../../../../src/core/workspace/syntax/types';

export const OPENAI_SOURCES = join(__dirname, '..', '..', '..', '..', 'node_modules', 'openai', 'src');

/** Every .ts/.mts file under `root`, as the symbol index is given it. */
export function scanTypeScript(root: string): SourceFileRecord[] {
  const out: SourceFileRecord[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts)$/.test(entry.name)) {
        const st = statSync(path);
        out.push({ path: relative(root, path).split('\\').join('/'), language: 'typescript', bytes: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  walk(root);
  return out;
}
