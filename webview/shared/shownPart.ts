// The line above a text the page shows only the start of (a huge answer, a node's long output): how much is
// shown, and a button that opens the whole text in an editor.

import * as l10n from '@vscode/l10n';
import { html } from 'lit';
import { formatSize } from './format';

export function shownPartView(shownChars: number, wholeChars: number, label: string, testId: string, open: () => void) {
  return html`<div class="shown-part" data-testid=${testId}>
    <span data-field="shown">${l10n.t('Shown: the first {0} of {1}.', formatSize(shownChars), formatSize(wholeChars))}</span>
    <vscode-button secondary data-testid=${`${testId}-open`} @click=${open}>${label}</vscode-button>
  </div>`;
}
