// The literal prefilter in front of the `ignore` package may only skip paths the package would not match.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import ignore from 'ignore';
import { DEFAULT_EXCLUDES, IgnoreRules, literalPrefilter } from '../../../src/core/workspace/IgnoreRules';
import { DEFAULT_CREDENTIAL_FILES } from '../../../src/core/workspace/credentialFiles';
import { FILES } from './fixtureWorkspace';

const LISTS: Record<string, string> = {
  credentials: DEFAULT_CREDENTIAL_FILES.join('\n'),
  excludes: DEFAULT_EXCLUDES.join('\n'),
  gitignore: '# build output\n/dist/\n*.log\n!keep.log\nsrc/**/gen/*.ts\n**/tmp\ndoc?/*.bak\ncache[0-9]/\n #not-a-comment\n',
};

/** Paths built from every literal and wildcard shape in the lists, at several depths. */
function samplePaths(): string[] {
  const names = ['.env', '.env.example', 'x.env', 'a.pem', 'id_rsa', 'id_rsa.pub', 'credentials', 'config.json', 'config', 'keep.log', 'a.log',
    'settings.xml', 'gradle.properties', 'hosts.yml', 'a.tfstate', 'client_secret_1.json', 'service-account.json', ' #not-a-comment', 'x.ts', 'x.bak'];
  const dirs = ['', 'a/', 'a/b/', '.aws/', 'home/.aws/', '.azure/', 'x/.azure/sub/', '.docker/', '.kube/', '.config/gh/', '.m2/', '.gradle/',
    'gcloud/legacy_credentials/me/', 'dist/', 'x/dist/', 'src/gen/', 'src/a/gen/', 'tmp/', 'a/tmp/', 'docs/', 'cache1/', 'node_modules/', '.git/', '.venv/'];
  return [...dirs.flatMap((dir) => names.map((name) => dir + name)), ...dirs.filter(Boolean), ...Object.keys(FILES)];
}

test('every path a list matches (or un-ignores) passes the prefilter', () => {
  for (const [name, patterns] of Object.entries(LISTS)) {
    const prefilter = literalPrefilter(patterns);
    assert.ok(prefilter, `${name} gets a prefilter`);
    const matcher = ignore({ ignorecase: false }).add(patterns);
    let matched = 0;
    for (const path of samplePaths()) {
      const result = matcher.test(path);
      if (!result.ignored && !result.unignored) continue;
      matched++;
      assert.ok(prefilter.test(path), `${name}: '${path}' matches the list but not the prefilter ${prefilter}`);
    }
    assert.ok(matched > 5, `${name}: the sample exercises the list (${matched} matches)`);
  }
});

test('patterns without literal text or with escapes turn the prefilter off; comments need nothing', () => {
  assert.equal(literalPrefilter('*.log\n*\n'), undefined);
  assert.equal(literalPrefilter('[abc]\n'), undefined);
  assert.equal(literalPrefilter('\\#literal-hash\n'), undefined);
  assert.equal(literalPrefilter('/\n'), undefined);
  assert.equal(literalPrefilter('# only a comment\n\n')!.test('anything'), false);
  assert.equal(literalPrefilter('**/.aws/credentials')!.test('.aws/credentials'), true, "'**/' may match no folder");
});

