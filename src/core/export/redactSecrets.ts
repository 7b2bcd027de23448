// Training data leaves the machine (a fine-tuning upload), so an export redacts again, on top of the trace's own
// redaction of the keys in use: the keys it is given, and anything shaped like a well-known kind of credential
// (a model may have read one from a file, or a user pasted one into a question).

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
const MIN_SECRET_CHARS = 8;

export function redactSecrets(text: string, known: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= MIN_SECRET_CHARS) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.replace(BEARER, `$1${REDACTED}`);
}
