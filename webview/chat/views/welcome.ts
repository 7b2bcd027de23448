// The welcome shown while nothing can be asked: what is missing, the buttons that fix it, and an
// OpenAI-compatible server found on its usual local port. Once set up, an empty chat says what to do.

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import type { Action, SetupStatus } from '../../../src/protocol/messages';
import { withParts } from '../../shared/l10n';
import { actionButtons } from './actions';

export function welcomeView(setup: SetupStatus | undefined, run: (action: Action) => void) {
  if (!setup) return html`<section class="welcome" data-testid="welcome-loading"><vscode-progress-ring aria-label=${l10n.t('Loading')}></vscode-progress-ring></section>`;
  if (setup.ready) return nothing;
  const server = setup.localServer;
  return html`<section class="welcome" data-testid="welcome" aria-labelledby="welcome-title">
    <h2 id="welcome-title">${l10n.t('Set up RLM')}</h2>
    <p data-testid="welcome-problem">${setup.problem?.message ?? l10n.t('RLM needs a model provider before it can answer.')}</p>
    ${server ? html`<div class="local-server" data-testid="local-server">
      <p>${foundServer(server.url, server.models)}</p>
      ${server.action ? actionButtons([server.action], 'welcome-action', run) : nothing}
    </div>` : nothing}
    <div class="actions">${actionButtons(setup.problem?.actions ?? [], 'welcome-action', run, server?.action !== undefined)}</div>
    <p class="hint">${l10n.t("API keys are kept in VS Code's secret storage, never in settings. A change of provider or model applies from the next question.")}</p>
  </section>`;
}

/** The local server found, with its first few models. */
function foundServer(url: string, models: readonly string[]) {
  const where = html`<code>${url}</code>`;
  const named = models.slice(0, 3).join(', ');
  if (models.length === 0) return withParts(l10n.t('Found a local model server at {0}.'), where);
  if (models.length <= 3) return withParts(l10n.t('Found a local model server at {0} with {1}.'), where, named);
  return withParts(l10n.t('Found a local model server at {0} with {1} and {2} more.'), where, named, models.length - 3);
}

/** An empty chat, ready to ask (what the question will use is said above the question box: setupLine.ts). */
export function emptyChatView() {
  return html`<section class="empty" data-testid="empty-chat">
    <p>${withParts(l10n.t('Ask a question about this workspace. The model explores the code in a sandbox and answers with {0} references you can click.'), html`<code>path:line</code>`)}</p>
  </section>`;
}
