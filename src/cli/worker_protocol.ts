/** The messages between `tfjs-diffusion sample` and its worker threads (worker_pool.ts, batch_worker.ts). */
import { isMainThread, workerData } from 'node:worker_threads';
import type { Batch } from './batch_plan';
import type { SampleFlags } from './cli_options';
import type { PreviewFrame } from './image_grid';

/** Marks a worker thread of ours in its workerData: the command's own file runs as the worker. */
export const WORKER_ROLE = 'tfjs-diffusion batch worker';

export interface WorkerData {
  readonly role: typeof WORKER_ROLE;
  /** The run's flags: the worker builds its scheduler, backend and target from them. */
  readonly flags: SampleFlags;
}

/** To a worker: sample this batch. */
export interface BatchMessage {
  readonly type: 'batch';
  readonly batch: Batch;
}

/** From a worker: its backend and target are ready; a model call of the current batch; the batch; a failure (then it waits to be terminated). */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'call'; readonly callsDone: number }
  | { readonly type: 'done'; readonly values: Float32Array; readonly preview: PreviewFrame[] }
  | { readonly type: 'failed'; readonly message: string; readonly usage: boolean };

/** Whether this thread is a worker thread of `tfjs-diffusion sample`. */
export function isBatchWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerData> | null)?.role === WORKER_ROLE;
}
