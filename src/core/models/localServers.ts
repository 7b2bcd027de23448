// Finds an OpenAI-compatible model server running on this machine, so a user with Ollama, LM Studio or
// llama.cpp needs no set-up: each listens on a well-known port and answers GET /v1/models. Every candidate
// is asked at once with a short deadline; nothing that answers anything but a model list counts (port 8080
// is as often a web app as llama.cpp).

/** A place a local server usually listens. */
export interface LocalServerCandidate {
  /** What the user knows it as ("Ollama"). */
  name: string;
  /** Its OpenAI-compatible base URL, ending in /v1. */
  baseUrl: string;
}

/** A server that answered, with the models it lists (possibly none: Ollama before any `ollama pull`). */
export interface LocalServer extends LocalServerCandidate {
  models: string[];
}

/** The usual ports, in order of preference when several answer. */
export const USUAL_LOCAL_SERVERS: readonly LocalServerCandidate[] = [
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
  { name: 'llama.cpp', baseUrl: 'http://127.0.0.1:8080/v1' },
];

/** A server on this machine answers its model list in milliseconds; anything slower is not one worth waiting for. */
export const LOCAL_PROBE_TIMEOUT_MS = 600;

/** A model list is a few kilobytes; a bigger reply is something else, and is not read. */
const MAX_LISTING_BYTES = 1024 * 1024;

export interface ProbeOptions {
  /** Default: USUAL_LOCAL_SERVERS. */
  candidates?: readonly LocalServerCandidate[];
  /** Per candidate; default LOCAL_PROBE_TIMEOUT_MS. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The best local server that answers: the first candidate (in order) that lists a model, else the first that
 * answers with an empty list (so the caller can say "pull a model"), else undefined. Never throws.
 */
export async function findLocalServer(options: ProbeOptions = {}): Promise<LocalServer | undefined> {
  const found = await probeLocalServers(options);
  return found.find((s) => s.models.length > 0) ?? found[0];
}

/** Every candidate that answers with a model list, in the candidates' order. Never throws. */
export async function probeLocalServers(options: ProbeOptions = {}): Promise<LocalServer[]> {
  const candidates = options.candidates ?? USUAL_LOCAL_SERVERS;
  const answers = await Promise.all(candidates.map((c) => probeLocalServer(c, options)));
  return answers.filter((a): a is LocalServer => a !== undefined);
}

/** The server at `candidate` with its models, or undefined when nothing there answers a model list in time. */
export async function probeLocalServer(candidate: LocalServerCandidate, options: Omit<ProbeOptions, 'candidates'> = {}): Promise<LocalServer | undefined> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? LOCAL_PROBE_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const baseUrl = candidate.baseUrl.replace(/\/+$/, '');
  try {
    const response = await fetch(`${baseUrl}/models`, { signal, headers: { accept: 'application/json' }, redirect: 'error' });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_LISTING_BYTES) {
      await response.body?.cancel();
      return undefined;
    }
    const text = await response.text();
    if (text.length > MAX_LISTING_BYTES) return undefined;
    const models = modelIds(JSON.parse(text));
    return models ? { name: candidate.name, baseUrl, models } : undefined;
  } catch {
    // Refused, timed out, not JSON: no server there.
    return undefined;
  }
}

/**
 * The candidates given by `RLM_LOCAL_SERVERS` (comma-separated base URLs; empty turns the search off), else the
 * usual ports.
 */
export function localServerCandidates(env: Record<string, string | undefined>): readonly LocalServerCandidate[] {
  const listed = env.RLM_LOCAL_SERVERS;
  if (listed === undefined) return USUAL_LOCAL_SERVERS;
  return listed.split(',').map((url) => url.trim()).filter((url) => /^https?:\/\//.test(url)).map((url) => ({ name: 'a local server', baseUrl: url }));
}

/** The ids of an OpenAI model list (`{data: [{id}]}`), or undefined when `body` is not one. */
function modelIds(body: unknown): string[] | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return undefined;
  const ids = data.map((m) => (m as { id?: unknown } | null)?.id);
  return ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
}
