// The fake provider for the fan-out benchmark, in its own process: a real provider is remote, so its CPU
// must not share the engine's event loop. Prints its base URL on stdout, then serves until killed.

import { FakeModelServer } from '../test/fakes/FakeModelServer';

const prompts = Number(process.argv[2] ?? 400);
const latencyMs = Number(process.argv[3] ?? 100);
const fence = (body: string) => '```repl\n' + body + '\n```';

FakeModelServer.start((req) =>
  req.model === 'root'
    ? req.messages.some((m) => m.role === 'assistant')
      ? fence('FINAL(String(answers.length))')
      : fence(`const answers = await llm_query_batched(Array.from({length: ${prompts}}, (_, i) => 'prompt ' + i));`)
    : { text: 'ok', delayMs: latencyMs },
).then((server) => process.stdout.write(server.openaiBaseUrl + '\n'));
