// A local HTTP server that speaks the OpenAI chat-completions and Anthropic messages wire formats well
// enough for the official SDKs to parse it, so tests exercise the real clients over real HTTP.
//
// Usage:
//   const server = await FakeModelServer.start((req) => `echo: ${req.messages.at(-1)?.content}`);
//   new OpenAI({ apiKey: 'test', baseURL: server.openaiBaseUrl, maxRetries: 0 });
//   new Anthropic({ apiKey: 'test', baseURL: server.anthropicBaseUrl, maxRetries: 0 });
//   ...
//   await server.close();
//
// Routes:
//   POST /v1/chat/completions  OpenAI, streaming (SSE) and non-streaming JSON
//   POST /v1/messages          Anthropic, streaming (SSE with `event:` lines) and non-streaming JSON
//   GET  /v1/models            OpenAI list format, or Anthropic's when the request has an `anthropic-version` header;
//                              with `prices`, each model carries OpenRouter's `pricing` and `context_length`
// The responder decides each completion's reply: text, an HTTP error, delays, chunking, a dropped socket, usage.
// Only completions are recorded in `requests`; model listings are recorded in `listings`.

import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FakePromptCache } from './FakePromptCache';

export interface FakeReply {
  /** The assistant text (default ''). */
  text?: string;
  /** Reply with this HTTP error status instead (JSON error body in the provider's format). */
  status?: number;
  /** `retry-after` header value sent with an error status. */
  retryAfter?: number | string;
  /** Wait this long before answering (before the headers). */
  delayMs?: number;
  /** Wait this long between streamed chunks. */
  chunkDelayMs?: number;
  /** Characters per streamed delta (default 20). */
  chunkChars?: number;
  /** Destroy the socket after streaming this many characters of text (a dropped stream). */
  dropAfterChars?: number;
  /** null = report no usage at all; default = estimated from characters / 4. `reasoning`: thinking tokens among the output. */
  usage?: FakeUsage | null;
  /** finish_reason (OpenAI) / stop_reason (Anthropic); default 'stop' / 'end_turn'. */
  finishReason?: string;
  /**
   * After this many characters, send an error event inside the stream and end it, as providers do when
   * they fail mid-reply (Anthropic: `event: error` with e.g. overloaded_error; OpenAI: a `data: {"error": ...}` chunk).
   */
  streamError?: { afterChars: number; type: string; message?: string };
}

/** A reply's usage: `input` counts every prompt token, cached ones included. */
export interface FakeUsage {
  input: number;
  output: number;
  /** Thinking tokens among the output. */
  reasoning?: number;
  /** Prompt tokens read from the provider's prompt cache (OpenAI's cached_tokens, Anthropic's cache reads). */
  cachedInput?: number;
  /** Prompt tokens written to the cache (Anthropic's cache_creation_input_tokens). */
  cacheWrite?: number;
}

export interface FakeRequest {
  api: 'openai' | 'anthropic';
  model: string;
  /** Anthropic's `system` parameter comes first as role 'system'. Content parts are joined into one string. */
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  stream: boolean;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: any;
  /** Prompt tokens as the server counts them (characters / 4). */
  promptTokens: number;
  /** Refused as longer than the server's window (`contextWindow`); the responder never saw it. */
  refused?: boolean;
}

export type FakeResponder = (req: FakeRequest) => FakeReply | string | Promise<FakeReply | string>;

export interface FakeServerOptions {
  /** Model ids listed by GET /v1/models (default ['fake-model']). */
  models?: string[];
  /**
   * Report prompt-cache hits the way each provider does (FakePromptCache.ts) in the usage of replies whose
   * responder gives none: OpenAI's cached_tokens, Anthropic's cache reads and writes.
   */
  promptCache?: boolean;
  /**
   * Refuse prompts longer than this many tokens with a 400, before the responder sees them, in the words of
   * `refusal` (Anthropic's API always answers in its own): OpenAI's context_length_exceeded, or llama.cpp's
   * exceed_context_size_error.
   */
  contextWindow?: number;
  refusal?: 'openai' | 'llama.cpp';
  /** Characters per token the server counts (default 4): fewer is a tokenizer that counts more than the engine's estimate. */
  charsPerToken?: number;
  /**
   * Prices listed with the models, as OpenRouter's GET /models gives them: USD per token as strings
   * (`{prompt: "0.00000125", completion: "0.00001"}`, optionally `input_cache_read` and `input_cache_write`), and
   * the context length.
   */
  prices?: Record<string, { prompt: string; completion: string; input_cache_read?: string; input_cache_write?: string; contextLength?: number }>;
}

const DEFAULT_CHUNK_CHARS = 20;

export class FakeModelServer {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  /** Every completion request received, in order. */
  readonly requests: FakeRequest[] = [];
  /** Every model listing asked for: its lower-cased headers (the key a client sent with it). */
  readonly listings: Array<Record<string, string>> = [];
  /** Completion requests currently being answered, and the most ever seen at once. */
  inFlight = 0;
  maxInFlight = 0;

  private readonly sockets = new Set<Socket>();
  private readonly promptCache: FakePromptCache | undefined;
  private readonly closing = new AbortController();
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    private responder: FakeResponder,
    private readonly models: string[],
    private readonly options: FakeServerOptions,
  ) {
    this.promptCache = options.promptCache ? new FakePromptCache() : undefined;
    // Every waiting reply listens for close(); hundreds at once is the point of a load test.
    setMaxListeners(0, this.closing.signal);
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.openaiBaseUrl = `${this.url}/v1`;
    this.anthropicBaseUrl = this.url;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(responder: FakeResponder, options: FakeServerOptions = {}): Promise<FakeModelServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const fake = new FakeModelServer(server, responder, options.models ?? ['fake-model'], options);
    server.on('request', (req, res) => {
      fake.route(req, res).catch((err) => fake.fail(res, err));
    });
    return fake;
  }

  setResponder(responder: FakeResponder): void {
    this.responder = responder;
  }

  /** Closes the listener and every open socket, and cancels pending delays. */
  async close(): Promise<void> {
    this.closing.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') return this.listModels(req, res);
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.complete('openai', req, res);
    if (req.method === 'POST' && path === '/v1/messages') return this.complete('anthropic', req, res);
    sendJson(res, 404, { error: { message: `FakeModelServer: no route for ${req.method} ${path}`, type: 'not_found' } });
  }

  private listModels(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.listings.push(Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])));
    if (req.headers['anthropic-version']) {
      const data = this.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
      sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      return;
    }
    const data = this.models.map((id) => {
      const price = this.options.prices?.[id];
      if (!price) return { id, object: 'model', created: 1735689600, owned_by: 'fake' };
      const { contextLength, ...pricing } = price;
      return { id, object: 'model', created: 1735689600, owned_by: 'fake', pricing, ...(contextLength ? { context_length: contextLength } : {}) };
    });
    sendJson(res, 200, { object: 'list', data });
  }

  private async complete(api: 'openai' | 'anthropic', req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);

    let body: any;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      sendError(res, api, 400, 'FakeModelServer: request body is not JSON');
      return;
    }
    const request = toFakeRequest(api, req, body, this.options.charsPerToken ?? 4);
    this.requests.push(request);
    const window = this.options.contextWindow;
    if (window !== undefined && request.promptTokens > window) {
      request.refused = true;
      sendRefusal(res, api, this.options.refusal ?? 'openai', request.promptTokens, window);
      return;
    }

    let reply: FakeReply;
    try {
      const answer = await this.responder(request);
      reply = typeof answer === 'string' ? { text: answer } : answer;
    } catch (err) {
      sendError(res, api, 500, `FakeModelServer responder threw: ${(err as Error)?.message ?? String(err)}`);
      return;
    }

    if (reply.delayMs) await this.sleep(reply.delayMs, res);
    if (res.destroyed) return;
    if (reply.status && reply.status >= 400) {
      const headers: Record<string, string> = {};
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      sendError(res, api, reply.status, reply.text || `FakeModelServer error ${reply.status}`, headers);
      return;
    }

    const text = reply.text ?? '';
    const usage = reply.usage === undefined ? this.usageOf(request, text) : reply.usage;
    const id = this.nextId++;
    if (!request.stream) {
      if (reply.dropAfterChars !== undefined) {
        res.socket?.destroy();
        return;
      }
      sendJson(res, 200, api === 'openai'
        ? openaiMessage(id, request.model, text, usage, reply.finishReason ?? 'stop')
        : anthropicMessage(id, request.model, text, usage, reply.finishReason ?? 'end_turn'));
      return;
    }
    await this.stream(api, res, request, id, text, usage, reply);
  }

  private async stream(
    api: 'openai' | 'anthropic',
    res: http.ServerResponse,
    request: FakeRequest,
    id: number,
    text: string,
    usage: FakeUsage | null,
    reply: FakeReply,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const events = api === 'openai'
      ? openaiStream(id, request, text, usage, reply.finishReason ?? 'stop')
      : anthropicStream(id, request.model, text, usage, reply.finishReason ?? 'end_turn');
    const size = Math.max(1, reply.chunkChars ?? DEFAULT_CHUNK_CHARS);
    // With dropAfterChars set the stream is always cut: after that many characters, or after all the text.
    const dropAt = reply.dropAfterChars === undefined ? undefined : Math.min(reply.dropAfterChars, text.length);
    const failAt = reply.streamError === undefined ? undefined : Math.min(reply.streamError.afterChars, text.length);
    for (const event of events) {
      if (event.kind === 'frame') {
        if (!(await write(res, event.frame))) return;
        continue;
      }
      const end = Math.min(dropAt ?? text.length, failAt ?? text.length);
      for (let at = 0; at < end; at += size) {
        if (at > 0 && reply.chunkDelayMs) await this.sleep(reply.chunkDelayMs, res);
        if (!(await write(res, event.frame(text.slice(at, Math.min(at + size, end)))))) return;
      }
      if (reply.streamError) {
        const { type, message = `FakeModelServer stream error: ${type}` } = reply.streamError;
        const frame = api === 'openai' ? sse(undefined, { error: { message, type, param: null, code: null } }) : sse('error', { type: 'error', error: { type, message } });
        await write(res, frame);
        return void res.end();
      }
      if (dropAt !== undefined) return void res.socket?.destroy();
    }
    res.end();
  }

  /** Characters / 4, with the prompt cache's report when it is on. */
  private usageOf(request: FakeRequest, text: string): FakeUsage {
    const usage: FakeUsage = { input: request.promptTokens, output: Math.ceil(text.length / (this.options.charsPerToken ?? 4)) };
    if (!this.promptCache) return usage;
    const { read, written } = this.promptCache.report(request.api, request.model, request.body);
    return { ...usage, cachedInput: read, ...(request.api === 'anthropic' ? { cacheWrite: written } : {}) };
  }

  /** Sleeps, ending early when the client goes away or the server closes. */
  private sleep(ms: number, res: http.ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        res.off('close', done);
        this.closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      res.on('close', done);
      this.closing.signal.addEventListener('abort', done);
    });
  }

  private fail(res: http.ServerResponse, err: unknown): void {
    if (res.headersSent) return void res.destroy();
    sendJson(res, 500, { error: { message: `FakeModelServer failed: ${(err as Error)?.message ?? String(err)}` } });
  }
}

type StreamEvent = { kind: 'frame'; frame: string } | { kind: 'text'; frame: (piece: string) => string };

function openaiStream(id: number, request: FakeRequest, text: string, usage: FakeUsage | null, finish: string): StreamEvent[] {
  const includeUsage = request.body?.stream_options?.include_usage === true;
  const base = { id: `chatcmpl-fake${id}`, object: 'chat.completion.chunk', created: nowSeconds(), model: request.model, system_fingerprint: null };
  const chunk = (delta: object, finishReason: string | null) => sse(undefined, {
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const events: StreamEvent[] = [
    { kind: 'frame', frame: chunk({ role: 'assistant', content: '', refusal: null }, null) },
    { kind: 'text', frame: (piece) => chunk({ content: piece }, null) },
    { kind: 'frame', frame: chunk({}, finish) },
  ];
  if (includeUsage && usage) {
    events.push({ kind: 'frame', frame: sse(undefined, { ...base, choices: [], usage: openaiUsage(usage) }) });
  }
  events.push({ kind: 'frame', frame: 'data: [DONE]\n\n' });
  return events;
}

function anthropicStream(id: number, model: string, text: string, usage: FakeUsage | null, stop: string): StreamEvent[] {
  const message = {
    id: `msg_fake${id}`, type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null,
    ...(usage ? { usage: { ...anthropicInput(usage), output_tokens: 1 } } : {}),
  };
  return [
    { kind: 'frame', frame: sse('message_start', { type: 'message_start', message }) },
    { kind: 'frame', frame: sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) },
    { kind: 'frame', frame: sse('ping', { type: 'ping' }) },
    { kind: 'text', frame: (piece) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }) },
    { kind: 'frame', frame: sse('content_block_stop', { type: 'content_block_stop', index: 0 }) },
    {
      kind: 'frame',
      frame: sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stop, stop_sequence: null },
        ...(usage ? { usage: { output_tokens: usage.output, ...thinking(usage) } } : {}),
      }),
    },
    { kind: 'frame', frame: sse('message_stop', { type: 'message_stop' }) },
  ];
}

function openaiMessage(id: number, model: string, text: string, usage: FakeUsage | null, finish: string) {
  return {
    id: `chatcmpl-fake${id}`, object: 'chat.completion', created: nowSeconds(), model, system_fingerprint: null,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage: openaiUsage(usage) } : {}),
  };
}

function anthropicMessage(id: number, model: string, text: string, usage: FakeUsage | null, stop: string) {
  return {
    id: `msg_fake${id}`, type: 'message', role: 'assistant', model, content: [{ type: 'text', text }],
    stop_reason: stop, stop_sequence: null,
    ...(usage ? { usage: { ...anthropicInput(usage), output_tokens: usage.output, ...thinking(usage) } } : {}),
  };
}

function openaiUsage(usage: FakeUsage) {
  return {
    prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output,
    ...(usage.cachedInput !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedInput } } : {}),
    ...(usage.reasoning !== undefined ? { completion_tokens_details: { reasoning_tokens: usage.reasoning } } : {}),
  };
}

/** Anthropic's input_tokens leave out the cache's reads and writes, which it reports beside them. */
function anthropicInput(usage: FakeUsage) {
  const read = usage.cachedInput ?? 0;
  const written = usage.cacheWrite ?? 0;
  return {
    input_tokens: usage.input - read - written,
    ...(usage.cachedInput !== undefined || usage.cacheWrite !== undefined ? { cache_read_input_tokens: read, cache_creation_input_tokens: written } : {}),
  };
}

function thinking(usage: FakeUsage) {
  return usage.reasoning !== undefined ? { output_tokens_details: { thinking_tokens: usage.reasoning } } : {};
}

// The error body each provider sends, so the SDKs surface the message and type as they would in production.
function sendError(res: http.ServerResponse, api: 'openai' | 'anthropic', status: number, message: string, headers: Record<string, string> = {}): void {
  if (api === 'openai') {
    sendJson(res, status, { error: { message, type: openaiErrorType(status), param: null, code: null } }, headers);
  } else {
    sendJson(res, status, { type: 'error', error: { type: anthropicErrorType(status), message } }, headers);
  }
}

/** A prompt over the window, refused as each server words it. */
function sendRefusal(res: http.ServerResponse, api: 'openai' | 'anthropic', style: 'openai' | 'llama.cpp', tokens: number, window: number): void {
  if (api === 'anthropic') {
    sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: `prompt is too long: ${tokens} tokens > ${window} maximum` } });
  } else if (style === 'llama.cpp') {
    sendJson(res, 400, { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: tokens, n_ctx: window } });
  } else {
    const message = `This model's maximum context length is ${window} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`;
    sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } });
  }
}

function openaiErrorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'invalid_api_key';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
    413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

function toFakeRequest(api: 'openai' | 'anthropic', req: http.IncomingMessage, body: any, charsPerToken: number): FakeRequest {
  const messages: FakeRequest['messages'] = [];
  if (api === 'anthropic' && body.system !== undefined) messages.push({ role: 'system', content: contentText(body.system) });
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const role = m.role === 'developer' ? 'system' : m.role;
    messages.push({ role, content: contentText(m.content) });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / charsPerToken);
  return { api, model: String(body.model ?? ''), messages, stream: body.stream === true, headers, body, promptTokens };
}

/** A string, or an array of content parts / blocks, as plain text. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('');
  return '';
}

function sse(event: string | undefined, data: object): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

/** Writes and waits until the bytes are handed to the socket, so a following destroy cannot lose them. */
function write(res: http.ServerResponse, data: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => res.write(data, (err) => resolve(!err && !res.destroyed)));
}

function sendJson(res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
