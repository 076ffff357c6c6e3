/**
 * Worker threads (`sample --workers N`) as lanes of the batch queue: each has its own tfjs and
 * backend (a thread does not share the main thread's modules), loads the target itself, and
 * takes one batch at a time. A worker that fails, throws, or exits (killed, out of memory)
 * fails its batch with one line naming it; the queue then terminates the others.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeSamples, type Batch } from './batch_plan';
import type { BatchResult, Lane } from './batch_queue';
import type { SampleFlags } from './cli_options';
import { UsageError } from './usage_error';
import { WORKER_ROLE, type BatchMessage, type WorkerData, type WorkerMessage } from './worker_protocol';

/** tsx's CommonJS hooks, a name in a variable: a development dependency, never bundled. */
const TSX_HOOKS = 'tsx/cjs/api';

/**
 * What a worker thread runs: the command's own file, whose first lines hand a worker thread to
 * runBatchWorker. Built (dist/cli.js), that is this very file. From the TypeScript source
 * (`npm start`, the tests), the worker first registers tsx's hooks itself: a worker thread does
 * not inherit the loader tsx gave the main thread (tsx issue #354).
 */
function workerScript(): { script: string; evaluated: boolean } {
  if (!__filename.endsWith('.ts')) return { script: __filename, evaluated: false };
  const hooks = require.resolve(TSX_HOOKS);
  return { script: `require(${JSON.stringify(hooks)}).register(); require(${JSON.stringify(join(__dirname, 'main.ts'))});`, evaluated: true };
}

interface Pending {
  readonly batch: Batch;
  readonly onCall: (callsDone: number) => void;
  resolve(result: BatchResult): void;
  reject(error: Error): void;
}

class WorkerLane implements Lane {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private settleReady!: (error?: Error) => void;
  private pending: Pending | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly name: string,
    flags: SampleFlags,
  ) {
    const { script, evaluated } = workerScript();
    const data: WorkerData = { role: WORKER_ROLE, flags };
    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = (error) => (error ? reject(error) : resolve())));
    this.ready.catch(() => undefined); // awaited by run(); a lane that never runs must not leave it unhandled
    this.worker = new Worker(script, { eval: evaluated, workerData: data });
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error: Error) => this.stop('failed', error.message));
    this.worker.on('exit', (code: number) => this.stop(`stopped (exit code ${code})`));
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.settleReady();
        return;
      case 'call':
        this.pending?.onCall(message.callsDone);
        return;
      case 'done': {
        const pending = this.pending;
        this.pending = null;
        pending?.resolve({ values: message.values, preview: message.preview });
        return;
      }
      case 'failed':
        this.stop('failed', message.message, message.usage);
    }
  }

  /** The worker cannot go on: what waits on it fails with one line naming it, what it was doing and why. */
  private stop(what: string, why?: string, usage = false): void {
    if (this.closed || this.failure !== null) return;
    const doing = this.pending === null ? 'while starting' : `on ${describeSamples(this.pending.batch.samples)}`;
    const message = `${this.name} ${what} ${doing}${why === undefined ? '' : `: ${why}`}`;
    this.failure = usage ? new UsageError(message) : new Error(message);
    this.settleReady(this.failure);
    this.pending?.reject(this.failure);
    this.pending = null;
  }

  async run(batch: Batch, onCall: (callsDone: number) => void): Promise<BatchResult> {
    await this.ready;
    if (this.failure !== null) throw this.failure;
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending = { batch, onCall, resolve, reject };
      const message: BatchMessage = { type: 'batch', batch };
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = new Error(`${this.name} was closed`);
    this.settleReady(closing);
    this.pending?.reject(closing);
    this.pending = null;
    await this.worker.terminate();
  }
}

/** `count` worker threads for a run of `flags`, started now (they load in parallel with each other). */
export function workerLanes(count: number, flags: SampleFlags): Lane[] {
  return Array.from({ length: count }, (_, i) => new WorkerLane(`worker ${i + 1} of ${count}`, flags));
}
