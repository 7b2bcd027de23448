// The question box: Enter sends, Shift+Enter starts a new line; Stop replaces Send while a question runs. Above
// it, what is attached (views/attachments.ts), which may take a key first (the `#file` completions).
// The text area is not bound to state (a redraw must not move the caret): the page reads and clears it.

import * as l10n from '@vscode/l10n';
import { html, type TemplateResult } from 'lit';

export interface ComposerHandlers {
  send(): void;
  stop(): void;
  input(text: string): void;
  /** Sees each key first; true when it handled it (a completion was picked). */
  key?(event: KeyboardEvent): boolean;
}

export function composerView(busy: boolean, canAsk: boolean, on: ComposerHandlers, above?: TemplateResult) {
  const keydown = (event: KeyboardEvent) => {
    if (on.key?.(event)) {
      event.preventDefault();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    on.send();
  };
  const input = (event: Event) => on.input((event.currentTarget as HTMLTextAreaElement).value);
  return html`<div class="composer" data-testid="composer">
    ${above ?? ''}
    <div class="composer-row">
    <vscode-textarea
      data-testid="question"
      class="question-box"
      rows="3"
      resize="vertical"
      label=${l10n.t('Question')}
      placeholder=${l10n.t('Ask about this workspace (Enter to send, Shift+Enter for a new line)')}
      @keydown=${keydown}
      @input=${input}
    ></vscode-textarea>
    <div class="composer-buttons">
      ${busy
        ? html`<vscode-button data-testid="stop" @click=${on.stop} title=${l10n.t('Stop the running question')}>${l10n.t('Stop')}</vscode-button>`
        : html`<vscode-button data-testid="send" ?disabled=${!canAsk} @click=${on.send}>${l10n.t('Send')}</vscode-button>`}
    </div>
    </div>
  </div>`;
}
