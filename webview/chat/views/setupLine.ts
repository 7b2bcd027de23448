// Above the question box: what the next question will use before it spends anything (who answers, which models,
// the caps), what a model with no known price means for the caps, and in Restricted Mode the one line saying
// what it turns off. Each note has its data-testid so a test can read it.

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import type { Action, SetupStatus } from '../../../src/protocol/messages';
import { formatList, formatUsd } from '../../shared/format';
import { actionButtons } from './actions';

/** Who answers, with which models, up to what: shown while nothing runs (the status line takes its place then). */
export function setupSummaryView(setup: SetupStatus) {
  const models = [setup.rootModel, setup.subModel].filter((m, i, all) => m && all.indexOf(m) === i).join(' + ');
  const requests = setup.unpriced?.maxRequests;
  return html`<p class="setup-line hint" data-testid="setup-summary"><span data-field="provider">${setup.provider}</span>${models ? html` · <span data-field="models">${models}</span>` : nothing}${setup.localServer ? ` · ${setup.localServer.url}` : ''}${setup.maxCostUsd !== null ? html` · <span data-field="cap">${l10n.t('up to {0} a question', formatUsd(setup.maxCostUsd))}</span>` : nothing}${requests !== undefined && requests !== null ? html` · <span data-field="request-cap">${l10n.t('up to {0} requests', requests)}</span>` : nothing}</p>`;
}

/** Why the cost will read "unknown", and what caps the run instead. */
export function unpricedNoteView(setup: SetupStatus) {
  const unpriced = setup.unpriced;
  if (!unpriced) return nothing;
  const models = formatList(unpriced.models);
  const who = setup.provider === 'vscode-lm' ? l10n.t("The editor's models have no known price")
    : unpriced.models.length === 1 ? l10n.t('{0} has no known price', models) : l10n.t('{0} have no known price', models);
  const cap = setup.maxCostUsd === null ? l10n.t('no dollar cap applies') : l10n.t('the {0} cap cannot be enforced', formatUsd(setup.maxCostUsd));
  const requests = unpriced.maxRequests === null ? l10n.t('no request cap is set (rlm.maxRequestsPerQuestion is 0)') : l10n.t('a question stops at {0} requests', unpriced.maxRequests);
  return html`<p class="setup-line note" data-testid="unpriced-note">${l10n.t('{0}: the cost shows as unknown, {1}, and {2}.', who, cap, requests)}</p>`;
}

/** Restricted Mode, in one line, with the way out. */
export function restrictedNoteView(setup: SetupStatus | undefined, run: (action: Action) => void) {
  if (!setup?.restricted) return nothing;
  return html`<div class="setup-line restricted" data-testid="restricted-note"><span>${setup.restricted.message}</span>${actionButtons(setup.restricted.actions, 'restricted-action', run, true)}</div>`;
}
