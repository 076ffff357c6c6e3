import type * as tf from '@tensorflow/tfjs-core';
import type { DdimStepCoefficients } from './ddim_coefficients';

/** What all states of one `init` share: the schedule of the run and its tensors. */
export class DdimRun {
  private disposed = false;

  constructor(
    /** The scheduler that made the run; a state only steps with it. */
    readonly owner: object,
    /** The run's timesteps in call order, on the device (int32). */
    readonly timesteps: tf.Tensor1D,
    /** The same timesteps on the host. */
    readonly timestepValues: Int32Array,
    /** Per-step host coefficients, float64. */
    readonly coefficients: readonly DdimStepCoefficients[],
    /** The sample shape given to init. */
    readonly sampleShape: readonly number[],
  ) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timesteps.dispose();
  }
}

/**
 * The state of a DDIM run between steps: which step comes next and the PRNG key of the
 * noise (eta > 0). Immutable: `step` returns a new state. All states of one `init` share
 * the run's tensors; `dispose()` on any of them releases the run.
 */
export class DdimState {
  /** @internal */
  constructor(
    /** @internal */ readonly run: DdimRun,
    /** How many steps were taken: the index of the next step. */
    readonly iteration: number,
    /** @internal The PRNG key of the next noise draw; never handed out, so never mutated. */
    readonly prngKey: Uint32Array,
  ) {
    Object.freeze(this);
  }

  /** A copy of the Nx/JAX PRNG key the next noise draw uses (two uint32 words). */
  get key(): Uint32Array {
    return this.prngKey.slice();
  }

  /** Steps in the run. */
  get numSteps(): number {
    return this.run.timestepValues.length;
  }

  /** The timestep the next step denoises, or undefined when the run is over. */
  get timestep(): number | undefined {
    return this.iteration < this.numSteps ? this.run.timestepValues[this.iteration] : undefined;
  }

  /** The run's timesteps in call order (int32, owned by the state: do not dispose it). */
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
