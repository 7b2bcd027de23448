// The welcome shown while nothing can be asked: what is missing, the buttons that fix it, and an
// OpenAI-compatible server found on its usual local port. Once set up, an empty chat says what to do.

import { html, nothing } from 'lit';
import type { Action, SetupStatus } from '../../../src/protocol/messages';
import { actionButtons } from './actions';

export function welcomeView(setup: SetupStatus | undefined, run: (action: Action) => void) {
  if (!setup) return html`<section class="welcome" data-testid="welcome-loading"><vscode-progress-ring></vscode-progress-ring></section>`;
  if (setup.ready) return nothing;
  const server = setup.localServer;
  return html`<section class="welcome" data-testid="welcome" aria-labelledby="welcome-title">
    <h2 id="welcome-title">Set up RLM</h2>
    <p data-testid="welcome-problem">${setup.problem?.message ?? 'RLM needs a model provider before it can answer.'}</p>
    ${server ? html`<div class="local-server" data-testid="local-server">
      <p>Found a local model server at <code>${server.url}</code>${server.models.length ? html` with ${server.models.slice(0, 3).join(', ')}${server.models.length > 3 ? ` and ${server.models.length - 3} more` : ''}` : nothing}.</p>
      ${server.action ? actionButtons([server.action], 'welcome-action', run) : nothing}
    </div>` : nothing}
    <div class="actions">${actionButtons(setup.problem?.actions ?? [], 'welcome-action', run, server?.action !== undefined)}</div>
    <p class="hint">API keys are kept in VS Code's secret storage, never in settings. A change of provider or model applies from the next question.</p>
  </section>`;
}

/** An empty chat, ready to ask (what the question will use is said above the question box: setupLine.ts). */
export function emptyChatView() {
  return html`<section class="empty" data-testid="empty-chat">
    <p>Ask a question about this workspace. The model explores the code in a sandbox and answers with <code>path:line</code> references you can click.</p>
  </section>`;
}
