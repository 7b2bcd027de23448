// The training-example line formats an export writes: OpenAI's chat fine-tuning format
// ({"messages": [{role, content}]}) and ShareGPT's ({"conversations": [{from, value}]}), as used by most
// open fine-tuning tools (Axolotl, LLaMA-Factory, FastChat).

import type { ChatMessage } from '../models/types';

export const EXPORT_FORMATS = ['openai-chat', 'sharegpt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const SHAREGPT_ROLES = { system: 'system', user: 'human', assistant: 'gpt' } as const;

export function exampleLine(format: ExportFormat, messages: ChatMessage[]): string {
  if (format === 'openai-chat') return JSON.stringify({ messages: messages.map((m) => ({ role: m.role, content: m.content })) });
  return JSON.stringify({ conversations: messages.map((m) => ({ from: SHAREGPT_ROLES[m.role], value: m.content })) });
}
