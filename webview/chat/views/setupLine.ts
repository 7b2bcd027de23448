// Above the question box: what the next question will use before it spends anything (who answers, which models,
// the caps), what a model with no known price means for the caps, and in Restricted Mode the one line saying
// what it turns off. Each note has its data-testid so a test can read it.

import { html, nothing } from 'lit';
import type { Action, SetupStatus } from '../../../src/protocol/messages';
import { formatUsd } from '../../shared/format';
import { actionButtons } from './actions';

/** Who answers, with which models, up to what: shown while nothing runs (the status line takes its place then). */
export function setupSummaryView(setup: SetupStatus) {
  const models = [setup.rootModel, setup.subModel].filter((m, i, all) => m && all.indexOf(m) === i).join(' + ');
  const requests = setup.unpriced?.maxRequests;
  return html`<p class="setup-line hint" data-testid="setup-summary"><span data-field="provider">${setup.provider}</span>${models ? html` · <span data-field="models">${models}</span>` : nothing}${setup.localServer ? ` · ${setup.localServer.url}` : ''}${setup.maxCostUsd !== null ? html` · <span data-field="cap">up to ${formatUsd(setup.maxCostUsd)} a question</span>` : nothing}${requests !== undefined && requests !== null ? html` · <span data-field="request-cap">up to ${requests} requests</span>` : nothing}</p>`;
}

/** Why the cost will read "unknown", and what caps the run instead. */
export function unpricedNoteView(setup: SetupStatus) {
  const unpriced = setup.unpriced;
  if (!unpriced) return nothing;
  const who = setup.provider === 'vscode-lm' ? "The editor's models have" : `${unpriced.models.join(' and ')} ${unpriced.models.length === 1 ? 'has' : 'have'}`;
  const cap = setup.maxCostUsd === null ? 'no dollar cap applies' : `the ${formatUsd(setup.maxCostUsd)} cap cannot be enforced`;
  const requests = unpriced.maxRequests === null ? 'no request cap is set (rlm.maxRequestsPerQuestion is 0)' : `a question stops at ${unpriced.maxRequests} requests`;
  return html`<p class="setup-line note" data-testid="unpriced-note">${who} no known price: the cost shows as unknown, ${cap}, and ${requests}.</p>`;
}

/** Restricted Mode, in one line, with the way out. */
export function restrictedNoteView(setup: SetupStatus | undefined, run: (action: Action) => void) {
  if (!setup?.restricted) return nothing;
  return html`<div class="setup-line restricted" data-testid="restricted-note"><span>${setup.restricted.message}</span>${actionButtons(setup.restricted.actions, 'restricted-action', run, true)}</div>`;
}
