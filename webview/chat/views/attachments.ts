// The attachments row above the question box: the `+` button with its menu of sources, a chip per attachment
// (name and size, or why it cannot be attached) with its remove button, and the `#file` completions while a `#`
// word is typed. Files dropped from the Explorer land on the composer (main.ts).

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import type { AttachmentChip, AttachSource } from '../../../src/protocol/messages';
import { chipKey, type Completion } from '../DraftAttachments';

export interface AttachmentHandlers {
  toggleMenu(): void;
  pick(source: AttachSource): void;
  remove(key: string): void;
  complete(path: string): void;
}

/** The menu's sources and their names, worded when drawn. */
const sources = (): ReadonlyArray<[AttachSource, string]> => [
  ['files', l10n.t('Files and folders…')],
  ['selection', l10n.t('The selection')],
  ['editors', l10n.t('Open editors')],
  ['problems', l10n.t('Problems')],
  ['changes', l10n.t('Uncommitted changes')],
];

export function attachmentsView(chips: readonly AttachmentChip[], menuOpen: boolean, on: AttachmentHandlers) {
  return html`<div class="attachments" data-testid="attachments">
    <button class="attach-add" data-testid="attach-add" title=${l10n.t('Attach context (or type # and a file name, or drop files here with Shift)')}
      aria-label=${l10n.t('Attach context')} aria-haspopup="menu" aria-expanded=${menuOpen ? 'true' : 'false'} @click=${on.toggleMenu}>+</button>
    ${menuOpen ? html`<div class="attach-menu" role="menu" data-testid="attach-menu">
      ${sources().map(([source, label]) => html`<button role="menuitem" class="attach-source" data-source=${source} @click=${() => on.pick(source)}>${label}</button>`)}
    </div>` : nothing}
    ${chips.length === 0 ? nothing : html`<ul class="chips" aria-label=${l10n.t('Attached')}>
      ${chips.map((chip) => chipView(chip, on))}
    </ul>`}
  </div>`;
}

function chipView(chip: AttachmentChip, on: AttachmentHandlers) {
  const key = chipKey(chip.ref);
  return html`<li class="chip ${chip.refused ? 'refused' : ''}" data-testid="chip" data-kind=${chip.ref.kind} title=${l10n.t('{0}: {1}', chip.label, chip.detail)}>
    <span class="chip-label">${chip.label}</span>
    <span class="chip-detail" data-testid="chip-detail">${chip.refused ? l10n.t('not attached: {0}', chip.detail) : chip.detail}</span>
    <button class="chip-remove" data-testid="chip-remove" aria-label=${l10n.t('Remove {0}', chip.label)} @click=${() => on.remove(key)}>×</button>
  </li>`;
}

export function completionsView(completion: Completion | undefined, on: AttachmentHandlers) {
  if (!completion) return nothing;
  return html`<ul class="file-completions" role="listbox" data-testid="file-completions" aria-label=${l10n.t('Files to attach')}>
    ${completion.paths.length === 0
      ? html`<li class="hint" role="presentation">${completion.query ? l10n.t('No file matches “{0}”', completion.query) : l10n.t('Type part of a file name')}</li>`
      : completion.paths.map((path, i) => html`<li role="option" class="completion" data-path=${path} aria-selected=${i === completion.active ? 'true' : 'false'}
          @mousedown=${(event: Event) => { event.preventDefault(); on.complete(path); }}>${path}</li>`)}
  </ul>`;
}
