/**
 * What `sample()` costs beyond the loop it runs: whole runs of MODEL_RUN_STEPS DDIM steps (eta
 * 0) with a one-op model (x * 0.5) from the same start sample, through `sample()` and through a
 * bare loop of `init` and `step` (no scaleModelInput, no timestep tensor, no checks, no awaits),
 * in interleaved rounds on the active backend; the overhead per step is the difference of the
 * two within each round. Runs in Node and in the Chromium page alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, sample } from '../src';
import { MODEL_RUN_STEPS } from './config';
import { sync } from './step_setup';
import { differences, halfInterquartileRange, median, timeRounds, type TimingBudget } from './timing';

export interface SampleOverheadFigures {
  readonly backend: string;
  readonly shape: number[];
  readonly steps: number;
  /** Microseconds per step: the bare loop, and sample(). */
  readonly loopUs: number;
  readonly sampleUs: number;
  /** Microseconds per step sample() adds: the median over rounds of (sample - loop). */
  readonly overheadUs: number;
  /** How far that difference moves from round to round (half its interquartile range). */
  readonly overheadSpreadUs: number;
}

export async function benchSampleOverhead(shape: number[], budget: TimingBudget): Promise<SampleOverheadFigures> {
  const scheduler = new DdimScheduler();
  const model = (x: tf.Tensor) => tf.mul(x, 0.5);
  const start = tf.randomNormal(shape, 0, 1, 'float32', 14);
  const rounds = await timeRounds(
    {
      loop: async (runs) => {
        for (let run = 0; run < runs; run++) {
          const { state: first, timesteps } = scheduler.init(MODEL_RUN_STEPS, shape);
          timesteps.dispose();
          let state = first;
          let x = start;
          while (state.timestep !== undefined) {
            const p = model(x);
            const out = scheduler.step(state, x, p);
            tf.dispose([p, out.denoised]);
            if (x !== start) x.dispose();
            ({ state, sample: x } = out);
          }
          state.dispose();
          await sync(x);
          x.dispose();
        }
      },
      sample: async (runs) => {
        for (let run = 0; run < runs; run++) {
          const x = await sample(scheduler, (input) => model(input), { numSteps: MODEL_RUN_STEPS, initialSample: start });
          await sync(x);
          x.dispose();
        }
      },
    },
    budget,
  );
  start.dispose();
  const perStep = (times: number[]) => times.map((time) => time / MODEL_RUN_STEPS);
  const [loop, sampled] = [perStep(rounds.loop), perStep(rounds.sample)];
  const added = differences(sampled, loop);
  return {
    backend: tf.getBackend(),
    shape,
    steps: MODEL_RUN_STEPS,
    loopUs: median(loop),
    sampleUs: median(sampled),
    overheadUs: median(added),
    overheadSpreadUs: halfInterquartileRange(added),
  };
}
