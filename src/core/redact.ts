// Redaction, in one place: the keys in use are cut from everything that leaves the engine (trace lines, model
// errors, the editor's log and stored chats): redactKnown. What leaves the machine as training data (an export,
// for a fine-tuning upload) is also cut of anything shaped like a well-known kind of credential, since a model may
// have read one from a file or a user pasted one into a question: redactSecrets.

export const REDACTED = '[redacted]';

/** Formats of common credentials: long, prefixed, rarely seen in ordinary text or code. */
export const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack tokens
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe keys
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face tokens
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab tokens
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** Bearer tokens keep their header name, so the text still reads. */
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi;

/** Known secrets shorter than this are not redacted: they would mangle ordinary words (real keys are far longer). */
export const MIN_SECRET_CHARS = 8;

/** The secrets worth redacting: strings of a key's length. */
export function redactable(known: ReadonlyArray<string | undefined>): string[] {
  return known.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_CHARS);
}

/** Cuts the known secrets (the keys in use) from `text`. */
export function redactKnown(text: string, known: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of redactable(known)) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Cuts the known secrets and anything shaped like a credential: for text that leaves the machine. */
export function redactSecrets(text: string, known: ReadonlyArray<string | undefined> = []): string {
  let out = redactKnown(text, known);
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.replace(BEARER, `$1${REDACTED}`);
}
