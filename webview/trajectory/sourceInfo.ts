// Where a tree opened from a file came from: the file, whether its receipt verified, and what the reader
// skipped or repaired (event types from a newer version, damaged lines).

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import type { TreeAnomalies } from '../../src/core/trajectory/TrajectoryTree';
import type { HostToTree } from '../../src/protocol/messages';

/** What the receipt check says, and how loud (a receipt from a newer writer: its own name). */
function receiptText(receipt: string): [text: string, tone: 'ok' | 'warn' | 'bad'] {
  switch (receipt) {
    case 'valid': return [l10n.t('receipt verified'), 'ok'];
    case 'missing': return [l10n.t('no receipt: the writer did not finish (crash or kill)'), 'warn'];
    case 'mismatch': return [l10n.t('RECEIPT MISMATCH: the file was changed after the run'), 'bad'];
    default: return [receipt, 'warn'];
  }
}

export function sourceView(source: HostToTree['tree/reset']['source'], anomalies: TreeAnomalies) {
  // The reader's count of a file's unknown lines, or the fold's when the events came unfiltered (never both).
  const counts = new Map<string, number>(Object.entries(source?.skipped ?? {}));
  for (const [type, n] of Object.entries(anomalies.unknownTypes)) counts.set(type, Math.max(n, counts.get(type) ?? 0));
  const skipped = [...counts];
  const repaired = anomalies.malformed + anomalies.unknownNode + anomalies.repeated + anomalies.late + anomalies.orphans;
  if (!source && skipped.length === 0 && repaired === 0) return nothing;
  const [receipt, receiptClass] = source ? receiptText(source.receipt) : ['', 'ok'];
  return html`<div class="source" data-testid="trace-source">
    ${source ? html`<span class="file" title=${source.file}>${source.file}</span>
      <span class=${`receipt ${receiptClass}`} data-testid="receipt" data-receipt=${source.receipt}>${receipt}</span>` : nothing}
    ${skipped.length ? html`<span class="warn" data-testid="skipped">${l10n.t('skipped unknown events: {0}', skipped.map(([type, n]) => `${type} ×${n}`).join(', '))}</span>` : nothing}
    ${repaired ? html`<span class="warn" data-testid="anomalies">${repaired === 1 ? l10n.t('1 event ignored (damaged or out of order)') : l10n.t('{0} events ignored (damaged or out of order)', repaired)}</span>` : nothing}
  </div>`;
}
