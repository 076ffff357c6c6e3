/**
 * A worker thread of `tfjs-diffusion sample --workers N`: its own tfjs, backend, scheduler and
 * target, built from the run's flags; it samples the batches it is sent, one at a time, and
 * reports every model call. A failure is reported once; the thread then waits to be terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sampleBatch, type SamplingJob } from './run_sampling';
import { chooseRun, loadTarget, samplingJob } from './sample_setup';
import { UsageError } from './usage_error';
import type { BatchMessage, WorkerData, WorkerMessage } from './worker_protocol';

/** The least time between two progress messages of a worker. */
const PROGRESS_MS = 50;

export async function runBatchWorker(): Promise<void> {
  const port = parentPort!;
  const { flags } = workerData as WorkerData;
  const post = (message: WorkerMessage) => port.postMessage(message);
  const fail = (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error), usage: error instanceof UsageError });
  let job: SamplingJob;
  try {
    const choice = chooseRun(flags);
    job = samplingJob(flags, choice, await loadTarget(flags, choice));
  } catch (error) {
    fail(error);
    return;
  }
  port.on('message', ({ batch }: BatchMessage) => {
    // A message per model call would cost more than a fast call (tens of microseconds each on a
    // busy machine): the progress goes out at most every PROGRESS_MS, the batch's end says the rest.
    let sent = performance.now();
    const onCall = (callsDone: number) => {
      if (performance.now() - sent < PROGRESS_MS) return;
      sent = performance.now();
      post({ type: 'call', callsDone });
    };
    sampleBatch(job, batch, onCall).then(({ values, preview }) => post({ type: 'done', values, preview }), fail);
  });
  post({ type: 'ready' });
}
