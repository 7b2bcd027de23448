// The status line while a question runs: turn, cells, sub-calls done/total, tokens, cost against the cap (unknown
// for a model with no price, with its requests against the request cap), elapsed. Each figure is its own span
// (data-field) so a test or a screen reader can read one.

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import { formatCost, formatDuration, formatSavings, formatTokens, formatUsd } from '../../shared/format';
import type { ProgressFigures } from '../RunProgress';

export function statusLineView(figures: ProgressFigures, maxCostUsd: number | null, elapsedMs: number) {
  const { maxRequests } = figures;
  const cap = maxCostUsd === null ? '' : ` / ${formatUsd(maxCostUsd)}`;
  const requestsTitle = maxRequests === null
    ? l10n.t('Requests to a model with no known price: the dollar cap cannot be enforced for it.')
    : l10n.t('Requests to a model with no known price: the dollar cap cannot be enforced for it, so the run stops at {0}.', maxRequests);
  return html`<div class="status-line" data-testid="status-line" role="status" aria-live="off">
    <vscode-progress-ring class="spinner" aria-hidden="true" aria-label=${l10n.t('Loading')}></vscode-progress-ring>
    <span data-field="turn">${l10n.t('turn {0}', figures.turn)}</span>
    <span data-field="cells">${figures.cellRunning ? l10n.t('cells {0} (running)', figures.cellsDone) : l10n.t('cells {0}', figures.cellsDone)}</span>
    <span data-field="subcalls">${l10n.t('sub-calls {0}/{1}', figures.subCallsDone, figures.subCallsTotal)}</span>
    <span data-field="tokens">${l10n.t('{0} tokens', `${figures.estimated ? '~' : ''}${formatTokens(figures.tokens)}`)}</span>
    <span data-field="cost">${formatCost(figures.costUsd, figures.unpriced)}${cap}</span>
    ${figures.savedUsd > 0 ? html`<span data-field="saved">${formatSavings(figures.savedUsd)}</span>` : nothing}
    ${figures.unpriced ? html`<span data-field="requests" title=${requestsTitle}>${maxRequests === null ? l10n.t('{0} requests', figures.unpriced) : l10n.t('{0}/{1} requests', figures.unpriced, maxRequests)}</span>` : nothing}
    <span data-field="elapsed">${formatDuration(elapsedMs)}</span>
    ${figures.errors ? html`<span data-field="errors" class="warn">${l10n.t('{0} failed', figures.errors)}</span>` : nothing}
  </div>`;
}
