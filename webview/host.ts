// The webview side of the protocol: `acquireVsCodeApi()` (provided by VS Code, once per page) and typed
// post/receive over the message maps in src/protocol/messages.ts, plus the view state VS Code keeps for the
// page while it is hidden or reloaded (getState/setState).

import type { MessageOf } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host<In, Out> {
  post(message: MessageOf<Out>): void;
  onMessage(handler: (message: MessageOf<In>) => void): void;
  /** What the page saved last (undefined on a first load); the page checks its shape, it is only JSON. */
  savedState(): unknown;
  saveState(state: unknown): void;
}

export function connectHost<In, Out>(): Host<In, Out> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => window.addEventListener('message', (event: MessageEvent) => {
      // Only the host posts to this page; anything without a type is not ours.
      const data = event.data as unknown;
      if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') handler(data as MessageOf<In>);
    }),
    savedState: () => api.getState() ?? undefined,
    saveState: (state) => api.setState(state),
  };
}
