// Writes dist/THIRD_PARTY_NOTICES.md: the name, version, licence and licence text of every package whose code
// ships in the .vsix. The list comes from esbuild's metafiles (what the bundles really hold, not what
// package.json lists) plus the packages whose wasm files the build copies. Their licences (MIT, BSD, Apache)
// ask for the notice to travel with the code.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/** `node_modules/@scope/name/...` -> `@scope/name`; the innermost node_modules wins (nested copies). */
function packageOf(inputPath) {
  const parts = inputPath.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const first = parts[at + 1];
  return first?.startsWith('@') ? { name: `${first}/${parts[at + 2]}`, dir: parts.slice(0, at + 3).join('/') } : { name: first, dir: parts.slice(0, at + 2).join('/') };
}

/** Packages named in the bundles' metafiles, by folder (two copies of one package at two versions both count). */
export function bundledPackages(metafiles) {
  const found = new Map();
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const pkg = packageOf(input);
      if (pkg) found.set(pkg.dir, pkg);
    }
  }
  return [...found.values()];
}

function notice(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const license = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type ?? 'see the package';
  const file = readdirSync(dir).find((name) => LICENSE_FILE.test(name));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `No licence file ships in the package; its package.json says: ${license}.`;
  return { name: manifest.name, version: manifest.version, license, text };
}

/** `packages`: from bundledPackages(); `extraDirs`: package folders whose files are copied as they are (wasm). */
export function writeThirdPartyNotices(out, packages, extraDirs) {
  const dirs = new Set([...packages.map((p) => p.dir), ...extraDirs]);
  const notices = [...dirs].filter((dir) => existsSync(join(dir, 'package.json'))).map(notice)
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const unique = notices.filter((n, i) => i === 0 || n.name !== notices[i - 1].name || n.version !== notices[i - 1].version);
  const lines = [
    '# Third-party notices',
    '',
    'RLM Code ships code from these packages, each under its own licence, reproduced below.',
    '',
    '| package | version | licence |',
    '|---|---|---|',
    ...unique.map((n) => `| ${n.name} | ${n.version} | ${n.license} |`),
    '',
    ...unique.flatMap((n) => [`## ${n.name} ${n.version}`, '', '```text', n.text.replaceAll('```', "'''"), '```', '']),
  ];
  writeFileSync(out, lines.join('\n'));
  return unique;
}
