// A read-only editor for trace files: the default for *.rlm.jsonl, offered through "Open With..." for any
// .jsonl. It shows the trajectory page with the file's tree, whether its receipt verified and which event types
// it skipped. The file is read asynchronously and parsed in slices: a big trace never holds the host thread.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { readTraceAsync, TraceParser, type Trace } from '../../core/trajectory/readTrace';
import type { HostToTree, TreeToHost, MessageOf } from '../../protocol/messages';
import type { Log } from '../log';
import { checkTreeMessage } from '../webviewMessages';
import { showPage } from '../webviewHtml';
import { TreePage } from './TreePage';

/** Work done between two yields while parsing a trace that is not on the local disk. */
const SLICE_MS = 8;

export class TraceEditor implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly onMessage: (message: Exclude<MessageOf<TreeToHost>, { type: 'ready' }>) => void,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    let disposed = false;
    const reading = new AbortController();
    const page = new TreePage(() => (disposed ? undefined : panel.webview));
    panel.onDidDispose(() => {
      disposed = true;
      reading.abort();
    });
    showPage(panel.webview, this.extensionUri, 'trajectory', checkTreeMessage, this.log, 'A trace editor', (message) => {
      if (message.type === 'ready') void this.load(document.uri, reading.signal).then((reset) => page.reset(reset));
      else this.onMessage(message);
    });
  }

  private async load(uri: vscode.Uri, signal: AbortSignal): Promise<HostToTree['tree/reset']> {
    const title = basename(uri.path);
    const file = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    try {
      const trace = uri.scheme === 'file' ? await readTraceAsync(uri.fsPath, { signal }) : await readRemote(uri, signal);
      const skipped = Object.entries(trace.skipped).map(([t, n]) => `${n} ${t}`).join(', ');
      this.log.info(`Opened the trace ${file}: ${trace.events.length} events, receipt ${trace.receipt}${skipped ? `, skipped ${skipped}` : ''}`);
      return { title, events: trace.events, live: false, source: { file, receipt: trace.receipt, skipped: trace.skipped } };
    } catch (err) {
      if (signal.aborted) return { title, events: [], live: false };
      this.log.warn(`Could not open the trace ${file}: ${(err as Error).message}`);
      return { title, events: [], live: false, error: (err as Error).message };
    }
  }
}

/** A trace on another file system (a remote or virtual workspace): read through the editor, parsed in slices. */
async function readRemote(uri: vscode.Uri, signal: AbortSignal): Promise<Trace> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const parser = new TraceParser(basename(uri.path));
  let start = 0;
  let sliceStart = Date.now();
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    parser.line(text.slice(start, end === -1 ? text.length : end));
    start = end === -1 ? text.length + 1 : end + 1;
    if (Date.now() - sliceStart > SLICE_MS) {
      if (signal.aborted) throw new Error('closed');
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
  }
  return parser.finish();
}
