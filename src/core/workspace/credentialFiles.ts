// Files that hold secrets by their very name: left out of the index even when no ignore rule mentions
// them, because whatever model code reads is sent to a third-party provider. The list is gitignore-style
// (as the exclude option); README.md ("Credential files") documents it, and callers may replace it.

/** Left out unless the caller passes its own list (`[]` turns it off; see allowCredentialFiles). */
export const DEFAULT_CREDENTIAL_FILES: readonly string[] = [
  // Environment files; their committed templates stay.
  '.env', '.env.*', '*.env', '.envrc',
  '!.env.example', '!.env.sample', '!.env.template', '!.env.dist',
  // Private keys and key stores (certificates in .pem files go too: the format does not tell them apart).
  '*.pem', '*.key', '*.p12', '*.pfx', '*.p8', '*.jks', '*.keystore', '*.ppk', '*.keytab',
  'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk',
  // Tokens and passwords of command-line tools.
  '.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.pgpass', '.my.cnf', '.htpasswd',
  '.dockercfg', '.vault-token', '.s3cfg', '.boto',
  '**/.docker/config.json', '**/.kube/config', '**/.config/gh/hosts.yml', '**/.cargo/credentials', '**/.cargo/credentials.toml',
  '**/.gem/credentials', '**/.m2/settings.xml', '**/.m2/settings-security.xml', '**/.gradle/gradle.properties',
  // Cloud credentials.
  '**/.aws/credentials', '**/.azure/**', 'application_default_credentials.json', '**/gcloud/legacy_credentials/**',
  '**/gcloud/credentials.db', '**/gcloud/access_tokens.db', 'client_secret*.json', 'service-account*.json',
  '**/.terraform.d/credentials.tfrc.json', '*.tfstate', '*.tfstate.backup',
];

/** The default list with `globs` (gitignore-style, as for the exclude option) let through. */
export function allowCredentialFiles(globs: readonly string[]): string[] {
  return [...DEFAULT_CREDENTIAL_FILES, ...globs.map((glob) => '!' + glob.replace(/^!/, ''))];
}

/** Completes "it is ..." in messages about a credential file. */
export const CREDENTIAL_FILE_REASON = "a credential file (left out by default; see 'Credential files' in the README)";
