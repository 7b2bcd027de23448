// Buttons that run a VS Code command the host named (set a key, open settings, use a local server).

import { html } from 'lit';
import type { Action } from '../../../src/protocol/messages';

export function actionButtons(actions: readonly Action[], testId: string, run: (action: Action) => void, secondary = false) {
  return actions.map((action) => html`<vscode-button
    data-testid=${testId}
    data-command=${action.command}
    ?secondary=${secondary}
    @click=${() => run(action)}
  >${action.label}</vscode-button>`);
}
