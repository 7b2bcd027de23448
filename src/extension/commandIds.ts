// The extension's command ids, views and storage names in one place: package.json declares the same ids
// (a test checks both ways), and the webview may run only the ones its allow-list names (webviewMessages.ts).

export const COMMANDS = {
  ask: 'rlm.ask',
  askAboutSelection: 'rlm.askAboutSelection',
  /** Shows the Chat view with the keyboard in its question box (a keybinding runs it). */
  focusChat: 'rlm.focusChat',
  newChat: 'rlm.newChat',
  stop: 'rlm.stop',
  /** Stops the first indexing of the folders being indexed (the status bar's item runs it). */
  stopIndexing: 'rlm.stopIndexing',
  openTrajectory: 'rlm.openTrajectory',
  setApiKey: 'rlm.setApiKey',
  clearApiKey: 'rlm.clearApiKey',
  selectModel: 'rlm.selectModel',
  showLog: 'rlm.showLog',
  showHistory: 'rlm.showHistory',
  /** Pins the local server the search found (rlm.provider + rlm.baseUrl); offered in the set-up status. */
  useLocalServer: 'rlm.useLocalServer',
  /** Looks for models and servers again (after starting Ollama, say). */
  refreshSetup: 'rlm.refreshSetup',
  /** Deletes the workspace's chats and their traces, after a modal (historyCommands.ts). */
  clearHistory: 'rlm.clearHistory',
  /** Copies the workspace's chats and their traces to a folder the user picks. */
  exportHistory: 'rlm.exportHistory',
  /** Shows a question's run in the Trajectory view (`exchangeId`): the button under an @rlm answer. */
  showRun: 'rlm.showRun',
  /** Opens a question's proposed changes for review (`exchangeId`): its chat in the sidebar, and the diffs. */
  reviewChanges: 'rlm.reviewChanges',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Commands of the editor itself that the set-up and error actions use. */
export const EDITOR_COMMANDS = {
  openSettings: 'workbench.action.openSettings',
  openFolder: 'workbench.action.files.openFolder',
  /** The Workspace Trust editor, where the user trusts a folder (Restricted Mode's one line offers it). */
  manageTrust: 'workbench.trust.manage',
} as const;

export const VIEWS = {
  container: 'rlm',
  chat: 'rlm.chat',
  trajectory: 'rlm.trajectory',
  /** The read-only trace editor: default for *.rlm.jsonl. */
  traceEditor: 'rlm.traceEditor',
  /** The same editor, offered through "Open With..." for any .jsonl. */
  traceEditorAnyJsonl: 'rlm.traceEditor.jsonl',
} as const;

/** `@rlm` in VS Code's Chat view (package.json's chatParticipants declares the same). */
export const CHAT_PARTICIPANT = { id: 'rlm-code.rlm', name: 'rlm', commands: { ask: 'ask', refactor: 'refactor' } } as const;

/** Tools for agent mode (package.json's languageModelTools declares the same). */
export const LM_TOOLS = { askCodebase: 'rlm_ask_codebase', proposeRefactor: 'rlm_propose_refactor' } as const;

/** RLM's MCP server offered to VS Code (package.json's mcpServerDefinitionProviders declares the same). */
export const MCP_PROVIDER_ID = 'rlm-code.mcp';

/** True while a question runs (package.json: the Stop command's enablement, the view title's Stop button). */
export const RUNNING_CONTEXT_KEY = 'rlm.running';
/** True while a folder's first indexing runs (package.json: Stop Indexing's enablement). */
export const INDEXING_CONTEXT_KEY = 'rlm.indexing';

/**
 * What the Get Started walkthrough's steps complete on (package.json: `onContext:` completion events), each raised
 * for a moment when the user has done it for real (views/WalkthroughProgress.ts): the set-up can answer, a question
 * was answered, a proposed change was opened for review or accepted.
 */
export const WALKTHROUGH = {
  id: 'rlm.gettingStarted',
  ready: 'rlm.walkthrough.ready',
  answered: 'rlm.walkthrough.answered',
  reviewed: 'rlm.walkthrough.reviewed',
} as const;
