// The status line while a question runs: turn, cells, sub-calls done/total, tokens, cost against the cap (unknown
// for a model with no price, with its requests against the request cap), elapsed. Each figure is its own span
// (data-field) so a test or a screen reader can read one.

import { html, nothing } from 'lit';
import { formatCost, formatDuration, formatSavings, formatTokens, formatUsd } from '../../shared/format';
import type { ProgressFigures } from '../RunProgress';

export function statusLineView(figures: ProgressFigures, maxCostUsd: number | null, elapsedMs: number) {
  const { maxRequests } = figures;
  const cap = maxCostUsd === null ? '' : ` / ${formatUsd(maxCostUsd)}`;
  const requestsTitle = `Requests to a model with no known price: the dollar cap cannot be enforced for it${maxRequests === null ? '' : `, so the run stops at ${maxRequests}`}.`;
  return html`<div class="status-line" data-testid="status-line" role="status" aria-live="off">
    <vscode-progress-ring class="spinner" aria-hidden="true"></vscode-progress-ring>
    <span data-field="turn">turn ${figures.turn}</span>
    <span data-field="cells">cells ${figures.cellsDone}${figures.cellRunning ? ' (running)' : ''}</span>
    <span data-field="subcalls">sub-calls ${figures.subCallsDone}/${figures.subCallsTotal}</span>
    <span data-field="tokens">${figures.estimated ? '~' : ''}${formatTokens(figures.tokens)} tokens</span>
    <span data-field="cost">${formatCost(figures.costUsd, figures.unpriced)}${cap}</span>
    ${figures.savedUsd > 0 ? html`<span data-field="saved">${formatSavings(figures.savedUsd)}</span>` : nothing}
    ${figures.unpriced ? html`<span data-field="requests" title=${requestsTitle}>${figures.unpriced}${maxRequests === null ? '' : `/${maxRequests}`} requests</span>` : nothing}
    <span data-field="elapsed">${formatDuration(elapsedMs)}</span>
    ${figures.errors ? html`<span data-field="errors" class="warn">${figures.errors} failed</span>` : nothing}
  </div>`;
}
