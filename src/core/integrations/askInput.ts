// What another agent hands RLM with a question (VS Code's agent-mode tools, an MCP client): the question, the
// paths to start from, and limits it may lower. One schema for every entry point: MCP serves it as the tools'
// input schema, VS Code's tools check their input against it, and package.json's languageModelTools declare the
// JSON Schema it gives (a test keeps them the same). The values are checked here; whether a limit may apply is
// lowerLimits' rule (a caller lowers, never raises).

import { z } from 'zod';
import type { AskedLimits, LowerableLimit } from '../loop/lowerLimits';

/** Longer questions are a prompt pasted whole, which the workspace (not the question) should hold. */
export const MAX_QUESTION_CHARS = 20_000;
/** Paths to start from: a hint, not a list of the workspace. */
export const MAX_PATHS = 50;

const limit = (what: string) => z.number().optional().describe(what);
const limitsShape = {
  maxDepth: limit('Depth of recursive sub-RLM calls'),
  maxIterations: limit('Root turns'),
  maxSubCalls: limit('Sub-model calls in all'),
  maxCostUsd: limit('Cost cap in US dollars'),
  maxRequests: limit('Requests to models with no known price'),
  timeoutMs: limit('Time for the whole run, in milliseconds'),
} satisfies Record<LowerableLimit, z.ZodOptional<z.ZodNumber>>;

export const askInputShape = {
  question: z.string().trim().min(1).max(MAX_QUESTION_CHARS).describe('The question about the codebase, or the change to propose, in plain words.'),
  paths: z.array(z.string().min(1).max(500).regex(/^[^\r\n\0]*$/, 'one line, no NUL'))
    .max(MAX_PATHS).optional()
    .describe('Workspace-relative files or folders to start from (optional; the whole workspace stays readable).'),
  limits: z.object(limitsShape).strict().optional()
    .describe('Limits for this call: each may only lower the one the user set, never raise it.'),
};

export const askInput = z.object(askInputShape).strict();
export type AskInput = z.infer<typeof askInput>;

export class AskInputError extends Error {
  override name = 'AskInputError';
}

/** The input checked against the schema; a mistake throws AskInputError naming the field. */
export function parseAskInput(input: unknown): AskInput {
  const parsed = askInput.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AskInputError(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
}

/** The limits asked for, without the ones left out. */
export function askedLimits(input: AskInput): AskedLimits | undefined {
  return input.limits && Object.fromEntries(Object.entries(input.limits).filter(([, v]) => v !== undefined));
}

/** The question as the model reads it: with the paths to start from, when any were given. */
export function questionWithPaths(input: Pick<AskInput, 'question' | 'paths'>): string {
  if (!input.paths?.length) return input.question;
  return `${input.question}\n\n(Start from ${input.paths.map((p) => JSON.stringify(p)).join(', ')}.)`;
}

/** A change to propose (`/refactor`, the refactor tools): the request, with the model told to propose it (the system prompt explains how). */
export function refactorQuestion(prompt: string): string {
  return `${prompt}\n\n(Make this change: propose the edits with propose_edit, propose_rename and propose_delete, and check them with pending_edits() before FINAL. Nothing is written: the user reviews every proposal.)`;
}

/** The input's JSON Schema, as package.json's languageModelTools declare it. */
export function askInputJsonSchema(): Record<string, unknown> {
  const { $schema: _schema, ...schema } = z.toJSONSchema(askInput, { io: 'input' }) as Record<string, unknown>;
  return schema;
}
