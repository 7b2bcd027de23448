// Entry point of the sandbox worker thread: owns one ReplEngine and talks to the Sandbox on the host thread.
// Synchronous host calls block this thread on a shared flag until the host posts its reply on a dedicated
// port, so guest code sees plain return values; cancellation is read from the same shared buffer, which the
// interrupt handler can poll even while a guest loop never yields.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CONTROL_SLOTS, type HostCallReply, type HostToWorker, type WorkerToHost } from '../protocol';
import { ReplEngine, type EngineHost, type EngineSetup } from './ReplEngine';

export interface SandboxWorkerData {
  setup: EngineSetup;
  control: SharedArrayBuffer;
  replyPort: MessagePort;
}

function start(port: NonNullable<typeof parentPort>, data: SandboxWorkerData): void {
  const slots = new Int32Array(data.control);
  const post = (message: WorkerToHost) => port.postMessage(message);
  let nextCallId = 1;

  const host: EngineHost = {
    call(name: string, args: unknown[], remainingMs: number): HostCallReply {
      const callId = nextCallId++;
      Atomics.store(slots, CONTROL_SLOTS.replyReady, 0);
      post({ type: 'call', callId, name, args, remainingMs });
      for (;;) {
        Atomics.wait(slots, CONTROL_SLOTS.replyReady, 0);
        const received = receiveMessageOnPort(data.replyPort);
        if (received) return received.message as HostCallReply;
      }
    },
    isCancelled(cellId: number): boolean {
      // Model cells count from 1; the slot starts at 0, which must not cancel the prelude (cell 0).
      return cellId > 0 && Atomics.load(slots, CONTROL_SLOTS.cancelCell) === cellId;
    },
    setClockPaused(paused: boolean): void {
      Atomics.store(slots, CONTROL_SLOTS.clockPaused, paused ? 1 : 0);
    },
  };

  let engine: ReplEngine | undefined;
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: HostToWorker) => {
    switch (message.type) {
      case 'settle':
        engine?.settle(message.callId, message.value, message.error);
        break;
      case 'cancel':
        engine?.wake();
        break;
      case 'run': {
        const { cellId, code, timeoutMs } = message;
        queue = queue.then(async () => {
          if (!engine) return;
          try {
            const { result, fatal } = await engine.run(cellId, code, timeoutMs);
            post({ type: 'cellResult', cellId, result, variables: fatal ? [] : engine.variables(), fatal });
          } catch (error) {
            // A trap inside the wasm engine (e.g. it ran out of memory in a spot QuickJS does not check):
            // its state cannot be trusted, so report the cell and end the worker; the Sandbox marks itself dead.
            const message = error instanceof Error ? error.message : String(error);
            const result = { output: '', error: `the sandbox engine crashed (${message}); its variables are lost, start a new sandbox`, durationMs: 0 };
            post({ type: 'cellResult', cellId, result, variables: [] });
            setImmediate(() => process.exit(1));
          }
        });
        break;
      }
      default:
        break;
    }
  });

  void (async () => {
    try {
      engine = await ReplEngine.open(data.setup, host);
      await engine.initialize();
      post({ type: 'ready', variables: engine.variables() });
    } catch (error) {
      engine = undefined;
      post({ type: 'initError', message: error instanceof Error ? error.message : String(error) });
    }
  })();
}

if (parentPort && workerData) start(parentPort, workerData as SandboxWorkerData);
