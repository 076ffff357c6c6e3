/** The step the benchmark times, set up on the active backend: shared by every figure. */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type Scheduler, type SchedulerState } from '../src';
import { previousTimesteps } from '../src/schedule/previous_timesteps';
import { ddimStepCoefficients, type DdimStepCoefficients } from '../src/schedulers/ddim/coefficients';
import { samplingTimesteps } from '../src/schedulers/ddim/scheduler';
import { RUN_STEPS, STEP_INDEX, STEP_OPTIONS } from './config';
import type { Timed } from './timing';

/**
 * Steps of `scheduler` one after the other, as a sampling loop takes them: each call steps the
 * state the previous one returned, and a run that ends is followed by a new one (its init
 * counted in the time, spread over the run's `numSteps` steps).
 */
export class Stepper {
  private state: SchedulerState;

  constructor(
    readonly scheduler: Scheduler,
    private readonly shape: number[],
    private readonly numSteps = RUN_STEPS,
  ) {
    this.state = this.init();
  }

  private init(): SchedulerState {
    const { state, timesteps } = this.scheduler.init(this.numSteps, this.shape, { seed: 0 });
    timesteps.dispose();
    return state;
  }

  /** One step from `x` with the model output `prediction` (and the noise given, if any); returns the next sample. */
  step(x: tf.Tensor, prediction: tf.Tensor, noise?: tf.Tensor): tf.Tensor {
    if (this.state.timestep === undefined) {
      this.state.dispose();
      this.state = this.init();
    }
    const out = this.scheduler.step(this.state, x, prediction, noise === undefined ? {} : { noise });
    out.denoised.dispose();
    this.state = out.state;
    return out.sample;
  }

  dispose(): void {
    this.state.dispose();
  }
}

/** The coefficients of every step of a `numSteps`-step run of `scheduler`, from the timesteps and landings its init takes. */
export function ddimRunCoefficients(scheduler: DdimScheduler, numSteps: number): DdimStepCoefficients[] {
  const { options, alphaBars } = scheduler;
  const timesteps = samplingTimesteps(options, numSteps);
  const landings = previousTimesteps(timesteps, options.previousTimestep, options.numTrainSteps);
  return Array.from(timesteps, (t, i) => ddimStepCoefficients(options, alphaBars, t, landings[i]));
}

/** The DDIM step of the benchmark: the coefficients of step STEP_INDEX of a RUN_STEPS-step run. */
export function benchCoefficients(): DdimStepCoefficients {
  return ddimRunCoefficients(new DdimScheduler(STEP_OPTIONS), RUN_STEPS)[STEP_INDEX];
}

/**
 * Inputs as a step meets them: x = sqrt(a) x0 + sqrt(1 - a) eps with x0 uniform in [-1, 1],
 * a prediction of eps off by 0.1 N(0, 1), and z ~ N(0, 1); made on the device.
 */
export function stepInputs(shape: number[], alphaBar: number) {
  return tf.tidy(() => {
    const eps = tf.randomNormal(shape, 0, 1, 'float32', 1);
    const sample = tf.add(tf.mul(tf.randomUniform(shape, -1, 1, 'float32', 2), Math.sqrt(alphaBar)), tf.mul(eps, Math.sqrt(1 - alphaBar)));
    const prediction = tf.add(eps, tf.randomNormal(shape, 0, 0.1, 'float32', 3));
    return { sample, prediction, noise: tf.randomNormal(shape, 0, 1, 'float32', 4) };
  });
}

/** Waits until `x` is computed, by reading one value of it. */
export async function sync(x: tf.Tensor): Promise<void> {
  const probe = tf.slice(x, x.shape.map(() => 0), x.shape.map(() => 1));
  await probe.data();
  probe.dispose();
}


/**
 * A timed batch of `update` chained from `start` (each output is the next input, as a sampling
 * loop's samples are), synced once at its end, never per update.
 */
export function chainedBatch(start: tf.Tensor, update: (x: tf.Tensor) => tf.Tensor): Timed {
  return async (repetitions) => {
    let x = tf.clone(start);
    for (let i = 0; i < repetitions; i++) {
      const next = update(x);
      x.dispose();
      x = next;
    }
    await sync(x);
    x.dispose();
  };
}
