// Credential files stay out of the index by default, even when no ignore rule mentions them.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import { allowCredentialFiles, DEFAULT_CREDENTIAL_FILES } from '../../../src/core/workspace/credentialFiles';
import { write } from './fixtureWorkspace';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'rlm-cred-')));
after(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, 'project');
const home = join(base, 'home'); // no git settings from the real home

/** Every one of these is a credential by default. */
const CREDENTIALS = [
  '.env', '.env.local', '.env.production', 'config/.env', 'deploy/prod.env', '.envrc',
  'certs/server.pem', 'certs/server.key', 'certs/client.p12', 'certs/client.pfx', 'android/release.jks', 'android/debug.keystore',
  'keys/AuthKey_ABC123.p8', 'keys/putty.ppk', 'id_rsa', 'ops/.ssh/id_ed25519', 'ops/.ssh/id_ecdsa', 'ops/.ssh/id_dsa',
  '.npmrc', 'packages/web/.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.pgpass', '.my.cnf', 'web/.htpasswd',
  'home/.aws/credentials', 'home/.config/gcloud/application_default_credentials.json', 'home/.config/gcloud/legacy_credentials/me/adc.json',
  'home/.azure/msal_token_cache.json', 'home/.azure/accessTokens.json', 'home/.docker/config.json', '.dockercfg', 'home/.kube/config',
  'home/.config/gh/hosts.yml', 'home/.cargo/credentials.toml', 'home/.gem/credentials', 'home/.m2/settings.xml', 'home/.gradle/gradle.properties',
  'home/.terraform.d/credentials.tfrc.json', 'infra/terraform.tfstate', 'infra/terraform.tfstate.backup', '.vault-token', '.s3cfg', '.boto',
  'google/client_secret_123.apps.googleusercontent.com.json', 'google/service-account.json', 'auth/krb5.keytab',
];
/** Look-alikes that are not credentials: templates, public keys, code about keys. */
const ORDINARY = [
  '.env.example', '.env.sample', '.env.template', 'config/.env.example', 'src/env.ts', 'src/keys.ts', 'ops/.ssh/id_rsa.pub',
  'ops/.ssh/known_hosts', 'docker/config.json', 'k8s/config', 'gradle.properties', 'settings.xml', 'docs/credentials.md', 'src/credentials.py',
];

for (const path of [...CREDENTIALS, ...ORDINARY]) write(join(root, path), `contents of ${path}\n`);

test('credential files are left out by default though nothing ignores them; look-alikes stay', () => {
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home } });
  assert.deepEqual(CREDENTIALS.filter((p) => index.get(p)), [], 'no credential file is indexed');
  assert.deepEqual(ORDINARY.filter((p) => !index.get(p)), [], 'every look-alike is indexed');
});

test('explain() names the reason and where to change it', () => {
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home } });
  assert.deepEqual(index.explain('.env'), {
    reason: 'credential',
    message: "it is a credential file (left out by default; see 'Credential files' in the README)",
  });
  assert.equal(index.explain('certs/server.key')?.reason, 'credential');
});

test('the list can be replaced, extended with negations, or turned off', () => {
  const none = WorkspaceIndex.open(root, { credentialFiles: [], gitUserPaths: { home } });
  assert.deepEqual(CREDENTIALS.filter((p) => !none.get(p)), [], '[] turns the list off');
  const allowOne = WorkspaceIndex.open(root, { credentialFiles: [...DEFAULT_CREDENTIAL_FILES, '!certs/server.pem'], gitUserPaths: { home } });
  assert.deepEqual(CREDENTIALS.filter((p) => allowOne.get(p)), ['certs/server.pem']);
  const own = WorkspaceIndex.open(root, { credentialFiles: ['*.md'], gitUserPaths: { home } });
  assert.equal(own.get('docs/credentials.md'), undefined);
  assert.ok(own.get('.env'), 'a list of its own replaces the defaults');
});

test('a credential file that appears later is refused by applyChange too', () => {
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home } });
  write(join(root, 'later/.env.staging'), 'TOKEN=1\n');
  assert.deepEqual(index.applyChange('later/.env.staging', 'created'), []);
  assert.equal(index.explain('later/.env.staging')?.reason, 'credential');
  rmSync(join(root, 'later'), { recursive: true });
});

test('allowCredentialFiles() lets chosen paths through and keeps the rest of the defaults', () => {
  const list = allowCredentialFiles(['certs/server.pem', '!.env']);
  assert.deepEqual(list, [...DEFAULT_CREDENTIAL_FILES, '!certs/server.pem', '!.env']);
  const index = WorkspaceIndex.open(root, { credentialFiles: list, gitUserPaths: { home } });
  assert.deepEqual(CREDENTIALS.filter((p) => index.get(p)), ['.env', 'config/.env', 'certs/server.pem']);
});

test('model code cannot read or grep a credential file, and is told why', () => {
  const workspace = FileSystemWorkspace.open(root, { gitUserPaths: { home }, ripgrep: false });
  assert.throws(() => workspace.read('.env'), {
    message: "File '.env' is not readable: it is a credential file (left out by default; see 'Credential files' in the README)",
  });
  assert.deepEqual(workspace.grep('contents of').matches.filter((m) => CREDENTIALS.includes(m.path)), []);
  assert.ok(workspace.grep('contents of').matches.some((m) => m.path === '.env.example'));
});
