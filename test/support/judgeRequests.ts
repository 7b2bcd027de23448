// What a scripted SWE-QA judge reads from a request, by the structure of SWE-QA-Bench's prompt (judge.ts): the
// question and both answers sit under INPUT, each after its label, before OUTPUT. A request without that
// prompt is not the judge's.

import type { FakeRequest } from '../fakes/FakeModelServer';

export interface JudgeInput {
  question: string;
  reference: string;
  candidate: string;
}

const INPUT = /\nINPUT:\n {4}Question:([\s\S]*?)\n {4}Reference Answer:([\s\S]*?)\n {4}Candidate Answer:([\s\S]*?)\n\nOUTPUT:\n/;

export function judgeInput(req: FakeRequest): JudgeInput | undefined {
  const prompt = req.messages.find((m) => m.role === 'user')?.content ?? '';
  if (!prompt.startsWith('You are a STRICT and RIGOROUS evaluator.')) return undefined;
  const m = INPUT.exec(prompt);
  return m ? { question: m[1]!, reference: m[2]!, candidate: m[3]! } : undefined;
}
