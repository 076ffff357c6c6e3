/**
 * Samples a run's batches, each one `sample()` run, so that memory stays flat however many
 * samples are asked for. Every sample draws its noise from its own seed (sample_noise.ts), so a
 * sample is the same in any batch. Every step's sample is checked for NaN and infinities on
 * the device (read back once per batch), so that a run that diverges fails naming the step
 * instead of writing them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sample, type Denoiser, type Scheduler } from '../index';
import { describeSamples, planBatches, runSamples, type Batch } from './batch_plan';
import { runBatches, type BatchResult, type Lane } from './batch_queue';
import type { GeneratorName } from './cli_options';
import type { PreviewFrame } from './image_grid';
import { batchNoise } from './sample_noise';

/** What every batch of a run shares. */
export interface SamplingJob {
  scheduler: Scheduler;
  denoiser: Denoiser;
  itemShape: readonly number[];
  steps: number;
  seed: number;
  /** The noise: 'nx' (Nx/JAX threefry, Bumblebee's; the default) or 'torch' (torch's CPU generator, diffusers'). */
  generator?: GeneratorName;
  /** Keep the first sample of batch 0 at this many evenly spaced model calls (0: none). */
  previewFrames: number;
}

/** A run of samples 0 to count - 1 in one thread: the figures of `bench` and the tests. */
export interface LocalSamplingJob extends SamplingJob {
  count: number;
  batch: number;
  /** After every model call of every batch: calls done so far, over all batches. */
  onProgress?: (callsDone: number) => void;
  /** After every batch, once its tensors are gone. */
  onChunk?: (batch: number) => void;
}

export interface SamplingResult {
  /** All samples, flat, row-major. */
  values: Float32Array;
  /** Wall time of the sampling (batches and read-backs), in seconds. */
  seconds: number;
  preview: PreviewFrame[];
}

/** A run that produced NaN or an infinity: exit code 1, and nothing is written. */
class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
}

/** The model calls of one run of `steps` steps (PNDM's warm-up calls the model more often than once a step). */
export function modelCallsOf(scheduler: Scheduler, steps: number, itemShape: readonly number[]): number {
  const { state, timesteps } = scheduler.init(steps, [1, ...itemShape]);
  const calls = state.numSteps;
  state.dispose();
  timesteps.dispose();
  return calls;
}

/** `frames` call indices spread evenly over `calls`, the last one included. */
function previewIndices(calls: number, frames: number): Set<number> {
  const count = Math.min(frames, calls);
  return new Set(Array.from({ length: count }, (_, i) => (count === 1 ? calls - 1 : Math.round((i * (calls - 1)) / (count - 1)))));
}

async function firstItem(tensor: tf.Tensor): Promise<Float32Array> {
  const item = tf.slice(tensor, [0], [1]);
  try {
    return (await item.data()) as Float32Array;
  } finally {
    item.dispose();
  }
}

/** The first step whose sample held NaN or an infinity, from the per-step flags (true: all finite); -1 when none. */
async function firstNonFinite(flags: tf.Scalar[]): Promise<number> {
  if (flags.length === 0) return -1;
  const stacked = tf.stack(flags);
  try {
    return Array.from(await stacked.data()).indexOf(0);
  } finally {
    stacked.dispose();
  }
}

/** One batch as one `sample()` run: its samples, flat, and (batch 0) the preview of its first sample. */
export async function sampleBatch(job: SamplingJob, batch: Batch, onCall?: (callsDone: number) => void): Promise<BatchResult> {
  const wanted = batch.index === 0 && job.previewFrames > 0 ? previewIndices(modelCallsOf(job.scheduler, job.steps, job.itemShape), job.previewFrames) : new Set<number>();
  const preview: PreviewFrame[] = [];
  const finite: tf.Scalar[] = [];
  const timesteps: number[] = [];
  try {
    const result = await sample(job.scheduler, job.denoiser, {
      numSteps: job.steps,
      shape: [batch.samples.length, ...job.itemShape],
      generator: batchNoise(job.generator ?? 'nx', job.seed, batch.samples),
      onStep: async ({ index, timestep, sample: current, denoised }) => {
        finite.push(tf.tidy(() => tf.all(tf.isFinite(current))));
        timesteps.push(timestep);
        if (wanted.has(index)) preview.push({ index, sample: await firstItem(current), denoised: await firstItem(denoised) });
        onCall?.(index + 1);
      },
    });
    let values: Float32Array;
    try {
      values = (await result.data()) as Float32Array;
    } finally {
      result.dispose();
    }
    const bad = await firstNonFinite(finite);
    if (bad >= 0) {
      throw new NonFiniteError(
        `the sampling diverged: step ${bad} of ${timesteps.length} (timestep ${timesteps[bad]}) made NaN or infinite values in ${describeSamples(batch.samples)}; nothing was written`,
      );
    }
    return { values, preview };
  } finally {
    tf.dispose(finite);
  }
}

/** A lane that samples in this thread. */
export function localLane(job: SamplingJob): Lane {
  return { run: (batch, onCall) => sampleBatch(job, batch, onCall), close: async () => undefined };
}

/** Samples 0 to count - 1 in batches of `batch`, in this thread. */
export async function runSampling(job: LocalSamplingJob): Promise<SamplingResult> {
  const batches = planBatches(runSamples(job.count), job.batch);
  const itemSize = tf.util.sizeFromShape(job.itemShape as number[]);
  const started = performance.now();
  const callsPerBatch = modelCallsOf(job.scheduler, job.steps, job.itemShape);
  const result = await runBatches(batches, [localLane(job)], { itemSize, callsPerBatch, onProgress: job.onProgress, onBatch: job.onChunk });
  return { ...result, seconds: (performance.now() - started) / 1000 };
}
