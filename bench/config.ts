/** What the benchmark measures: the sizes, the step, and how long to spend on each figure. */
import type { DdimOptions } from '../src';
import type { TimingBudget } from './timing';

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
