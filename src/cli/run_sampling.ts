/**
 * Samples `count` items in chunks of `batch`, each chunk one `sample()` run, so that memory
 * stays flat however many are asked for. Chunk c uses seed `seed + c`: the first chunk is the
 * run `sample(scheduler, denoiser, { seed, ... })` would make.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sample, type DdimScheduler, type Denoiser } from '../index';
import type { PreviewFrame } from './glyphs_picture';

export interface SamplingJob {
  scheduler: DdimScheduler;
  denoiser: Denoiser;
  itemShape: readonly number[];
  steps: number;
  seed: number;
  count: number;
  batch: number;
  /** Keep the first sample at this many evenly spaced steps of the first chunk (0: none). */
  previewFrames: number;
  /** After every step of every chunk: steps done so far, over all chunks. */
  onProgress?: (stepsDone: number) => void;
  /** After every chunk, once its tensors are gone. */
  onChunk?: (chunk: number) => void;
}

export interface SamplingResult {
  /** All samples, flat, row-major. */
  values: Float32Array;
  /** Wall time of the sampling (chunks and read-backs), in seconds. */
  seconds: number;
  preview: PreviewFrame[];
}

/** `frames` step indices spread evenly over `steps`, the last step included. */
function previewIndices(steps: number, frames: number): Set<number> {
  const count = Math.min(frames, steps);
  return new Set(Array.from({ length: count }, (_, i) => (count === 1 ? steps - 1 : Math.round((i * (steps - 1)) / (count - 1)))));
}

async function firstItem(tensor: tf.Tensor): Promise<Float32Array> {
  const item = tf.slice(tensor, [0], [1]);
  try {
    return (await item.data()) as Float32Array;
  } finally {
    item.dispose();
  }
}

export async function runSampling(job: SamplingJob): Promise<SamplingResult> {
  const itemSize = job.itemShape.reduce((product, size) => product * size, 1);
  const values = new Float32Array(job.count * itemSize);
  const preview: PreviewFrame[] = [];
  const wanted = previewIndices(job.steps, job.previewFrames);
  const chunks = Math.ceil(job.count / job.batch);
  const started = performance.now();
  for (let chunk = 0; chunk < chunks; chunk++) {
    const size = Math.min(job.batch, job.count - chunk * job.batch);
    const result = await sample(job.scheduler, job.denoiser, {
      numSteps: job.steps,
      shape: [size, ...job.itemShape],
      seed: BigInt(job.seed) + BigInt(chunk),
      onStep: async ({ index, sample: current, denoised }) => {
        if (chunk === 0 && wanted.has(index)) preview.push({ index, sample: await firstItem(current), denoised: await firstItem(denoised) });
        job.onProgress?.(chunk * job.steps + index + 1);
      },
    });
    try {
      values.set(await result.data(), chunk * job.batch * itemSize);
    } finally {
      result.dispose();
    }
    job.onChunk?.(chunk);
  }
  return { values, seconds: (performance.now() - started) / 1000, preview };
}
