// Model-specific additions to the root prompt, for families that need them. The paper adds a caution to
// Qwen3-Coder, which otherwise fires thousands of tiny sub-calls (one per line); small local coders also
// tend to drop the code fence tag or answer from memory.

export function modelNotes(modelName: string, subCallChars: number): string[] {
  const name = modelName.toLowerCase();
  const notes: string[] = [];
  if (/qwen|deepseek|llama|mistral|codestral|gemma|phi|granite/.test(name)) {
    notes.push(`## Important: batch your sub-calls
Each llm_query costs time and money. Never call it once per line or per small item: always pack as much text as reasonably fits into each call (aim for around ${Math.round(Math.min(subCallChars, 200_000) / 1000)}k characters per call), and prefer a few dozen large calls to hundreds of small ones. Use llm_query_batched for independent calls.`);
  }
  if (/qwen|llama|mistral|gemma|phi|granite|coder/.test(name)) {
    notes.push(`## Format reminder
Write code only inside \`\`\`repl fences, one complete program per block. Do not describe what the code would print: run it and wait for the output.`);
  }
  return notes;
}
