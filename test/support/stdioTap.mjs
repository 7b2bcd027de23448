// A recording pipe between an MCP client and the stdio server it starts, to see what a client nobody here wrote sends
// and gets (the MCP Inspector prints neither its progress notifications nor its cancellations):
//   node stdioTap.mjs LOG HOLD_MS COMMAND [ARGS...]
// runs COMMAND with stdin and stdout passed through and appends each JSON-RPC line to LOG as {at, from: 'client' |
// 'server', message}. When the client closes stdin, the server's stdin is closed HOLD_MS later ({at, eof: true} in
// LOG), so what the client sent just before (a cancellation) reaches the server on its own. stderr is the server's.
// Plain JavaScript: the client starts it with node alone.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const [log, hold, command, ...args] = process.argv.slice(2);
const server = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const write = (entry) => appendFileSync(log, `${JSON.stringify({ at: Date.now(), ...entry })}\n`);

/** Records each whole line a side sends (a message may come in several chunks, or several in one). */
function recorder(from) {
  let rest = '';
  return (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines.filter((l) => l.trim())) {
      try {
        write({ from, message: JSON.parse(line) });
      } catch {
        write({ from, text: line });
      }
    }
  };
}

const fromClient = recorder('client');
const fromServer = recorder('server');
process.stdin.on('data', (chunk) => {
  fromClient(chunk);
  server.stdin.write(chunk);
});
process.stdin.on('end', () => setTimeout(() => {
  write({ eof: true });
  server.stdin.end();
}, Number(hold)));
server.stdout.on('data', (chunk) => {
  fromServer(chunk);
  process.stdout.write(chunk);
});
server.on('exit', (code) => process.exit(code ?? 1));
process.on('SIGTERM', () => server.kill('SIGTERM'));
