/**
 * Samples `count` items in chunks of `batch`, each chunk one `sample()` run, so that memory
 * stays flat however many are asked for. Chunk c draws its noise from seed `seed + c` (the Nx
 * stream, or a torch generator seeded with it): the first chunk is the run `sample(scheduler,
 * denoiser, { seed, ... })` (or `{ generator: random.torchGenerator(seed) }`) would make.
 * Every step's sample is checked for NaN and infinities on the device (read back once per
 * chunk), so that a run that diverges fails naming the step instead of writing them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { random, sample, type Denoiser, type SampleOptions, type Scheduler } from '../index';
import type { GeneratorName } from './cli_options';
import type { PreviewFrame } from './image_grid';

export interface SamplingJob {
  scheduler: Scheduler;
  denoiser: Denoiser;
  itemShape: readonly number[];
  steps: number;
  seed: number;
  /** The noise: 'nx' (Nx/JAX threefry, Bumblebee's; the default) or 'torch' (torch's CPU generator, diffusers'). */
  generator?: GeneratorName;
  count: number;
  batch: number;
  /** Keep the first sample at this many evenly spaced model calls of the first chunk (0: none). */
  previewFrames: number;
  /** After every model call of every chunk: calls done so far, over all chunks. */
  onProgress?: (callsDone: number) => void;
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

/** The noise of chunk c: seed + c, on the chosen stream. */
function chunkNoise(generator: GeneratorName, seed: number, chunk: number): Pick<SampleOptions, 'seed' | 'generator'> {
  const chunkSeed = BigInt(seed) + BigInt(chunk);
  return generator === 'torch' ? { generator: random.torchGenerator(chunkSeed) } : { seed: chunkSeed };
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

export async function runSampling(job: SamplingJob): Promise<SamplingResult> {
  const itemSize = job.itemShape.reduce((product, size) => product * size, 1);
  const values = new Float32Array(job.count * itemSize);
  const preview: PreviewFrame[] = [];
  const calls = modelCallsOf(job.scheduler, job.steps, job.itemShape);
  const wanted = previewIndices(calls, job.previewFrames);
  const chunks = Math.ceil(job.count / job.batch);
  const started = performance.now();
  for (let chunk = 0; chunk < chunks; chunk++) {
    const size = Math.min(job.batch, job.count - chunk * job.batch);
    const finite: tf.Scalar[] = [];
    const timesteps: number[] = [];
    try {
      const result = await sample(job.scheduler, job.denoiser, {
        numSteps: job.steps,
        shape: [size, ...job.itemShape],
        ...chunkNoise(job.generator ?? 'nx', job.seed, chunk),
        onStep: async ({ index, timestep, sample: current, denoised }) => {
          finite.push(tf.tidy(() => tf.all(tf.isFinite(current))));
          timesteps.push(timestep);
          if (chunk === 0 && wanted.has(index)) preview.push({ index, sample: await firstItem(current), denoised: await firstItem(denoised) });
          job.onProgress?.(chunk * calls + index + 1);
        },
      });
      try {
        values.set(await result.data(), chunk * job.batch * itemSize);
      } finally {
        result.dispose();
      }
      const bad = await firstNonFinite(finite);
      if (bad >= 0) {
        const items = `samples ${chunk * job.batch} to ${chunk * job.batch + size - 1}`;
        throw new NonFiniteError(`the sampling diverged: step ${bad} of ${calls} (timestep ${timesteps[bad]}) made NaN or infinite values in ${items}; nothing was written`);
      }
    } finally {
      tf.dispose(finite);
    }
    job.onChunk?.(chunk);
  }
  return { values, seconds: (performance.now() - started) / 1000, preview };
}
