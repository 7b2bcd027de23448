// What the log says about a run: its start and end, each root turn, every failure and retry; successful
// sub-calls only at debug level (a fan-out makes hundreds). Event text is already redacted by the engine.

import { formatCost } from '../../core/models/costText';
import { oneLine } from '../../core/shortText';
import type { RlmEvent } from '../../core/trajectory/events';
import type { Log } from '../log';

const TEXT_CHARS = 200;

export function logEvent(log: Log, event: RlmEvent): void {
  switch (event.type) {
    case 'run_start':
      log.info(`${event.id} started${event.depth > 0 ? ` (child run, depth ${event.depth})` : ''}: ${oneLine(event.question, TEXT_CHARS)} [root ${event.rootModel}, sub-calls ${event.subModel}]`);
      return;
    case 'turn_end': {
      const line = `${event.id} ${event.status}: ${event.model}, ${tokens(event.usage)}, ${formatCost(event.costUsd, event.unpriced ? 1 : 0)}, ${event.latencyMs} ms${event.cut ? ', cut at the output limit' : ''}`;
      if (event.error) log.warn(`${line}: ${oneLine(event.error, TEXT_CHARS)}`);
      else log.info(line);
      return;
    }
    case 'cell_end':
      if (event.error) log.debug(`${event.id} ${event.status}${event.timedOut ? ' (timed out)' : ''}: ${oneLine(event.error, TEXT_CHARS)}`);
      return;
    case 'subcall_end':
      if (event.error) log.warn(`${event.id} ${event.status}: ${event.model}: ${oneLine(event.error, TEXT_CHARS)}`);
      else log.debug(`${event.id} done: ${event.model}, ${tokens(event.usage)}, ${formatCost(event.costUsd, event.unpriced ? 1 : 0)}, ${event.latencyMs} ms`);
      return;
    case 'retry':
      log.warn(`${event.parentId}: attempt ${event.attempt} in ${event.delayMs} ms (${event.reason})`);
      return;
    case 'compaction_start':
      log.info(`${event.id}: compacting ${event.turns} root turns (${event.tokensBefore} tokens, window ${event.window}${event.reason === 'refused' ? ', the provider refused the prompt as too long' : ''}) with ${event.model}`);
      return;
    case 'compaction_end': {
      const line = `${event.id} ${event.status}: ${event.tokensAfter} tokens now, ${tokens(event.usage)}, ${formatCost(event.costUsd, event.unpriced ? 1 : 0)}`;
      if (event.error) log.warn(`${line}: ${oneLine(event.error, TEXT_CHARS)}`);
      else log.info(line);
      return;
    }
    case 'limit':
      log.info(`${event.parentId} hit a limit (${event.reason}): ${event.detail}`);
      return;
    case 'error':
      log.error(`${event.parentId} failed: ${event.message}`);
      return;
    case 'run_end':
      log.info(`${event.id} ended ${event.status} (${event.stopReason}) after ${event.iterations} turns, ${event.subCalls} sub-calls, ` +
        `${tokens(event.usage.total)}, ${formatCost(event.usage.total.costUsd, event.usage.total.unpriced)}, ${(event.durationMs / 1000).toFixed(1)} s`);
      return;
    default:
      return;
  }
}

function tokens(usage: { inputTokens: number; outputTokens: number; estimated: boolean }): string {
  return `${usage.inputTokens}+${usage.outputTokens}${usage.estimated ? '~' : ''} tokens`;
}

