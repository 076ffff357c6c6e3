/**
 * The shared queue of a run's batches: each lane (this thread, or a worker thread) takes the
 * next batch as soon as it is free, so a faster lane does more of them, and each result lands
 * at its batch's place, so the output is in sample order whoever made it. The first failure
 * stops the run: no lane takes another batch, every lane is closed (a worker thread is
 * terminated, mid-batch if need be), and that failure is thrown.
 */
import type { Batch } from './batch_plan';
import type { PreviewFrame } from './image_grid';

/** What a lane returns for one batch. */
export interface BatchResult {
  /** The batch's samples, flat, row-major. */
  values: Float32Array;
  /** Batch 0: its first sample at the preview's model calls; other batches: none. */
  preview: PreviewFrame[];
}

export interface Lane {
  /** Samples `batch`, telling `onCall` the model calls done so far in it. */
  run(batch: Batch, onCall: (callsDone: number) => void): Promise<BatchResult>;
  /** Ends the lane; called once its batches are done or the run failed, maybe twice. */
  close(): Promise<void>;
}

export interface QueueOptions {
  /** Values per sample. */
  itemSize: number;
  /** Model calls per batch: a batch that ends has made them all, whatever its lane reported. */
  callsPerBatch: number;
  /** After every model call of any batch: the calls done so far over all batches. */
  onProgress?: (callsDone: number) => void;
  /** After every batch, in the order they end. */
  onBatch?: (batch: number) => void;
}

/** Runs `batches` on `lanes`; returns their samples, flat, in the batches' order, and the preview of batch 0. */
export async function runBatches(batches: readonly Batch[], lanes: readonly Lane[], options: QueueOptions): Promise<BatchResult> {
  const sampleCount = batches.reduce((sum, batch) => sum + batch.samples.length, 0);
  const values = new Float32Array(sampleCount * options.itemSize);
  let preview: PreviewFrame[] = [];
  let next = 0;
  let callsDone = 0;
  let failure: { error: unknown } | null = null;

  const drain = async (lane: Lane) => {
    while (failure === null && next < batches.length) {
      const batch = batches[next++];
      let seen = 0;
      const progress = (calls: number) => {
        callsDone += calls - seen;
        seen = calls;
        options.onProgress?.(callsDone);
      };
      const result = await lane.run(batch, progress);
      if (result.values.length !== batch.samples.length * options.itemSize) {
        throw new Error(`batch ${batch.index} came back with ${result.values.length} values, not ${batch.samples.length * options.itemSize}`);
      }
      values.set(result.values, batch.offset * options.itemSize);
      if (seen < options.callsPerBatch) progress(options.callsPerBatch);
      if (batch.index === 0) preview = result.preview;
      options.onBatch?.(batch.index);
    }
  };
  const fail = (error: unknown) => {
    if (failure !== null) return; // a lane closed because of the first failure: not news
    failure = { error };
    for (const lane of lanes) void lane.close();
  };
  await Promise.all(lanes.map((lane) => drain(lane).catch(fail)));
  await Promise.all(lanes.map((lane) => lane.close()));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return { values, preview };
}
