// The end-to-end harness: what a scenario test imports. See README "End-to-end tests" for the API.
export { e2eSuite, VsCodeSession, type E2eTest, type SessionOptions } from './session';
export { Workbench, TIMEOUTS, type ActiveEditor, type ConsoleEntry } from './workbench';
export { CodeServer, BASE_SETTINGS } from './codeServer';
export { e2eEnvironment, FIXTURES, REPO, type E2eEnvironment } from './environment';
export { packagedExtension, vsixEntries, EXTENSION_ID, EXTENSION_VERSION } from './vsix';
export { waitFor } from './waits';
