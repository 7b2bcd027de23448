// The packaged extension the end-to-end tests install: `vsce package` of the current dist/, the same command as
// `npm run package` minus the build (npm test has just built; a stale dist/ is refused rather than tested).

import { rmSync } from 'node:fs';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import yauzl from 'yauzl';
import manifest from '../../../package.json';
import { REPO } from './environment';
import { run } from './processes';

/** `publisher.name`, as VS Code names the installed extension. */
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
export const EXTENSION_VERSION = manifest.version;
const PACKAGE_TIMEOUT_MS = 120_000;

let packaged: Promise<string> | undefined;

/** The .vsix to install: $RLM_E2E_VSIX when set (CI can pass the one `npm run package` made), else packaged now. */
export function packagedExtension(): Promise<string> {
  packaged ??= process.env.RLM_E2E_VSIX ? Promise.resolve(process.env.RLM_E2E_VSIX) : packageNow();
  return packaged;
}

async function packageNow(): Promise<string> {
  await refuseStaleBuild();
  const dir = await mkdtemp(join(tmpdir(), 'rlm-vsix-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, `${manifest.name}.vsix`);
  const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: REPO, timeoutMs: PACKAGE_TIMEOUT_MS, what: 'packaging the extension' });
  return out;
}

/** Every entry of a .vsix (a zip): name and uncompressed size. */
export async function vsixEntries(file: string): Promise<Array<{ name: string; size: number }>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  return new Promise((resolve, reject) => {
    const entries: Array<{ name: string; size: number }> = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push({ name: entry.fileName, size: entry.uncompressedSize });
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Fails when a source file is newer than the extension bundle: the test would exercise old code. */
async function refuseStaleBuild(): Promise<void> {
  const bundle = join(REPO, 'dist', 'extension.js');
  const built = await stat(bundle).then((s) => s.mtimeMs, () => 0);
  if (!built) throw new Error(`${relative(REPO, bundle)} is missing: run \`npm run build\` first`);
  for (const dir of ['src', 'webview']) {
    for (const file of await filesUnder(join(REPO, dir))) {
      if ((await stat(file)).mtimeMs > built) throw new Error(`dist/ is older than ${relative(REPO, file)}: run \`npm run build\` first`);
    }
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** One entry of a .vsix as text (`extension/readme.md`: the Marketplace page). */
export async function vsixText(file: string, name: string): Promise<string> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  try {
    return await new Promise<string>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream!.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in ${file}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
