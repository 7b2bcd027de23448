// The end-to-end harness: what a scenario test imports. See docs/e2e.md, "The harness API".
export { e2eSuite, VsCodeSession, type E2eTest, type SessionOptions } from './session';
export { Workbench, TIMEOUTS, type ActiveEditor, type ConsoleEntry } from './workbench';
export { CodeServer, BASE_SETTINGS } from './codeServer';
export { e2eEnvironment, FIXTURES, REPO, type E2eEnvironment } from './environment';
export { packagedExtension, vsixEntries, vsixText, EXTENSION_ID, EXTENSION_VERSION } from './vsix';
export { waitFor } from './waits';
