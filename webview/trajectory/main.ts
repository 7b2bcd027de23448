// The Trajectory view (placeholder until the UI lands): shows the title of the tree the host sends.
import './trajectory.css';
import type { HostToTree, TreeToHost } from '../../src/protocol/messages';
import { connectHost } from '../host';

const host = connectHost<HostToTree, TreeToHost>();
const app = document.getElementById('app')!;
host.onMessage((message) => {
  if (message.type === 'tree/reset') app.textContent = message.title;
});
host.post({ type: 'ready' });
