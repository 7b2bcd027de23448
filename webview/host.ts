// The webview side of the protocol: `acquireVsCodeApi()` (provided by VS Code, once per page) and typed
// post/receive over the message maps in src/protocol/messages.ts.

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
}

export function connectHost<In, Out>(): Host<In, Out> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => window.addEventListener('message', (event: MessageEvent) => handler(event.data as MessageOf<In>)),
  };
}
