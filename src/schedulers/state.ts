import type * as tf from '@tensorflow/tfjs-core';
import type { NoiseLevel } from './plan';
import type { SchedulerRun } from './run';

/**
 * The state of a run before one of its steps: which model call comes next (and, for noise from
 * an Nx/JAX key, the key of the next draw). Immutable and used once: `step` returns the state of
 * the next step, and stepping a state a second time throws. All states of one `init` share the
 * run's tensors (its timesteps and the history a multistep scheduler keeps); `dispose()` on any
 * of them releases the run.
 */
export class SchedulerState {
  /** @internal */
  constructor(
    /** @internal */ readonly run: SchedulerRun,
    /** Model calls taken so far: the index of the next one. */
    readonly index: number,
    /** @internal The Nx/JAX key of the next noise draw (null when a torch generator draws); never handed out, so never mutated. */
    readonly prngKey: Uint32Array | null,
  ) {
    Object.freeze(this);
  }

  /** A copy of the Nx/JAX key the next noise draw uses (two uint32 words), or null when the run draws from a torch generator. */
  get key(): Uint32Array | null {
    return this.prngKey === null ? null : this.prngKey.slice();
  }

  /** The standard deviation of the run's start noise (diffusers' init_noise_sigma after set_timesteps). */
  get initNoiseSigma(): number {
    return this.run.initNoiseSigma;
  }

  /** Model calls in the run. */
  get numSteps(): number {
    return this.run.plans.length;
  }

  /** The model's timestep for the next call, or undefined when the run is over. */
  get timestep(): number | undefined {
    return this.index < this.numSteps ? this.run.timestepValues[this.index] : undefined;
  }

  /**
   * Where the model's input of the next call lies on the forward process: alpha * x0 + sigma * eps
   * (what an exact denoiser needs), or undefined when the run is over.
   */
  get noiseLevel(): NoiseLevel | undefined {
    return this.index < this.numSteps ? this.run.plans[this.index].modelInputLevel : undefined;
  }

  /** The run's model timesteps in call order, on the device (owned by the state: do not dispose it). */
  get timesteps(): tf.Tensor1D {
    return this.run.timesteps;
  }

  /** The sample shape given to init. */
  get sampleShape(): readonly number[] {
    return this.run.sampleShape;
  }

  get isDisposed(): boolean {
    return this.run.isDisposed;
  }

  /** Frees the tensors of the whole run (every state of this init). Safe to call twice. */
  dispose(): void {
    this.run.dispose();
  }
}
