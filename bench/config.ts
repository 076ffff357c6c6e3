/** What the benchmark measures: the sizes, the step, and how long to spend on each figure. */
import type { DdimOptions } from '../src';
import type { TimingBudget } from './timing';

/** The Node WebGPU backend (Dawn) in the figures, apart from Chromium's webgpu. */
export const NODE_WEBGPU = 'webgpu (Node)';

/** The GPU backends, whose steps count programs. */
export const GPU_BACKENDS = ['webgl', 'webgpu', NODE_WEBGPU];

/** Latent shapes: Stable Diffusion's 64x64 latents, a batch of 16 of them, and 256x256 RGB images. */
export const SHAPES: number[][] = [
  [1, 4, 64, 64],
  [16, 4, 64, 64],
  [4, 3, 256, 256],
];

/**
 * The step timed: noise prediction, x0 clipped to [-1, 1], eta = 1 with the noise z given
 * (drawn once, outside the timing), the steps of a 1000-step run one after the other (the
 * host limits take the coefficients of step 500). Its op chain is nine kernels:
 * x0 = clip(dS x + dP p), x_{t-1} = a x0 + d p + sigma z.
 */
export const STEP_OPTIONS: DdimOptions = { eta: 1 };
export const RUN_STEPS = 1000;
export const STEP_INDEX = 500;

/** Timed whole runs per backend and model (after one untimed run); `--quick`: 1. */
export const SAMPLE_RUNS = 3;

/** Steps of the memory check. */
export const MEMORY_STEPS = 1000;

/**
 * Per shape and backend: batches of >= 40 ms (GPU: 100 ms, SwiftShader is slow), 7 to 41
 * rounds within ~5 s (GPU: 5 to 31 within ~6 s). A full run takes about 3 minutes here.
 */
export const CPU_BUDGET: TimingBudget = { batchMs: 40, totalMs: 5000, minRounds: 7, maxRounds: 41 };
export const GPU_BUDGET: TimingBudget = { batchMs: 100, totalMs: 6000, minRounds: 5, maxRounds: 31 };

/** A shorter run for trying the benchmark out (`--quick`). */
export function quick(budget: TimingBudget): TimingBudget {
  return { batchMs: budget.batchMs / 4, totalMs: budget.totalMs / 8, minRounds: 3, maxRounds: 5 };
}

/** Latent shapes (NHWC, as tfjs convolutions take them) of the loops around a model. */
export const MODEL_SHAPES: number[][] = [
  [1, 64, 64, 4],
  [1, 128, 128, 4],
  [2, 64, 64, 4],
];

/** The layer stack of the model loops is made this many milliseconds per call, on each backend and shape. */
export const MODEL_MS = 20;

/** Steps of the runs in the model loops and the sample() figures (a run ends, the next one starts). */
export const MODEL_RUN_STEPS = 50;

/**
 * The model loops: batches of >= 300 ms (15 calls of the 20 ms model), 7 to 21 rounds within
 * ~12 s; the overhead is a difference of two batches of the same round.
 */
export const MODEL_BUDGET: TimingBudget = { batchMs: 300, totalMs: 12000, minRounds: 7, maxRounds: 21 };

/** The shape of every scheduler's row (the cpu goal's shape) and the time spent on each. */
export const SCHEDULER_SHAPE = [16, 4, 64, 64];
export const SCHEDULER_BUDGET: TimingBudget = { batchMs: 40, totalMs: 3000, minRounds: 7, maxRounds: 31 };

/** The loops with the one-op stand-in (a few ms per batch on the host, SwiftShader slower). */
export const ONE_OP_BUDGET: TimingBudget = { batchMs: 60, totalMs: 3000, minRounds: 5, maxRounds: 21 };

/** Whole runs of sample() and of the bare loop: batches of >= 150 ms, 9 to 31 rounds within ~5 s. */
export const SAMPLE_OVERHEAD_BUDGET: TimingBudget = { batchMs: 150, totalMs: 5000, minRounds: 9, maxRounds: 31 };

/**
 * The shape of the sample() overhead figures: small, because what sample() adds per step is
 * bookkeeping whatever the shape (a clone, a timestep scalar, checks, an await), and the
 * backend's own work per step, and its noise on a loaded machine, grow with the shape (at
 * 1x64x64x4 here, +-50 us from round to round).
 */
export const SAMPLE_OVERHEAD_SHAPE = [1, 8, 8, 4];
