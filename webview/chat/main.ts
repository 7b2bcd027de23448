// The Chat view (placeholder until the UI lands): shows the set-up state the host sends.
import './chat.css';
import type { ChatToHost, HostToChat } from '../../src/protocol/messages';
import { connectHost } from '../host';

const host = connectHost<HostToChat, ChatToHost>();
const app = document.getElementById('app')!;
host.onMessage((message) => {
  if (message.type === 'chat/state') app.textContent = message.setup.problem?.message ?? 'Ask a question about this workspace.';
});
host.post({ type: 'ready' });
