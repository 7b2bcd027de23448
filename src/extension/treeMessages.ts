// A run's tree goes to a page as one tree/reset followed by tree/events in slices: a 100,000-event trace in one
// message would hold the host thread while it is serialised, and the page while it is parsed.

import type { HostToTree, MessageOf } from '../protocol/messages';

/** Events per message when a whole tree is sent. */
export const TREE_CHUNK_EVENTS = 2000;

export function treeMessages(reset: HostToTree['tree/reset'], chunk = TREE_CHUNK_EVENTS): Array<MessageOf<HostToTree>> {
  const { events, ...rest } = reset;
  const messages: Array<MessageOf<HostToTree>> = [{ type: 'tree/reset', ...rest, events: events.slice(0, chunk) }];
  for (let at = chunk; at < events.length; at += chunk) messages.push({ type: 'tree/events', events: events.slice(at, at + chunk) });
  return messages;
}
