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
    sampleBatch(job, batch, (callsDone) => post({ type: 'call', callsDone })).then(({ values, preview }) => post({ type: 'done', values, preview }), fail);
  });
  post({ type: 'ready' });
}
