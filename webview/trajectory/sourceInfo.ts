// Where a tree opened from a file came from: the file, whether its receipt verified, and what the reader
// skipped or repaired (event types from a newer version, damaged lines).

import { html, nothing } from 'lit';
import type { TreeAnomalies } from '../../src/core/trajectory/TrajectoryTree';
import type { HostToTree } from '../../src/protocol/messages';

const RECEIPT = {
  valid: ['receipt verified', 'ok'],
  missing: ['no receipt: the writer did not finish (crash or kill)', 'warn'],
  mismatch: ['RECEIPT MISMATCH: the file was changed after the run', 'bad'],
} as const;

export function sourceView(source: HostToTree['tree/reset']['source'], anomalies: TreeAnomalies) {
  // The reader's count of a file's unknown lines, or the fold's when the events came unfiltered (never both).
  const counts = new Map<string, number>(Object.entries(source?.skipped ?? {}));
  for (const [type, n] of Object.entries(anomalies.unknownTypes)) counts.set(type, Math.max(n, counts.get(type) ?? 0));
  const skipped = [...counts];
  const repaired = anomalies.malformed + anomalies.unknownNode + anomalies.repeated + anomalies.late + anomalies.orphans;
  if (!source && skipped.length === 0 && repaired === 0) return nothing;
  const [receiptText, receiptClass] = source ? RECEIPT[source.receipt] ?? [source.receipt, 'warn'] : ['', 'ok'];
  return html`<div class="source" data-testid="trace-source">
    ${source ? html`<span class="file" title=${source.file}>${source.file}</span>
      <span class=${`receipt ${receiptClass}`} data-testid="receipt" data-receipt=${source.receipt}>${receiptText}</span>` : nothing}
    ${skipped.length ? html`<span class="warn" data-testid="skipped">skipped unknown events: ${skipped.map(([type, n]) => `${type} ×${n}`).join(', ')}</span>` : nothing}
    ${repaired ? html`<span class="warn" data-testid="anomalies">${repaired} events ignored (damaged or out of order)</span>` : nothing}
  </div>`;
}
