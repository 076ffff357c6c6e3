import * as tf from '@tensorflow/tfjs-core';
import type { NoiseGenerator } from './noise_source';
import type { StepPlan } from './plan';

/**
 * What all states of one `init` share: the plans of the run, its timesteps on the device, the
 * history tensors later steps read, and which step comes next. States are used once: only the
 * state whose index is `nextIndex` may step.
 */
export class SchedulerRun {
  private disposed = false;
  /** The tensors kept for later steps (multistep history), owned by the run. */
  history: Readonly<Record<string, tf.Tensor>> = {};
  /** The index of the one state that may step next. */
  nextIndex = 0;
  /** The run's timesteps in call order, on the device. */
  readonly timesteps: tf.Tensor1D;
  /** The same timesteps on the host, as the device holds them. */
  readonly timestepValues: Int32Array | Float32Array;

  constructor(
    /** The scheduler that made the run; a state only steps with it. */
    readonly owner: object,
    readonly plans: readonly StepPlan[],
    timestepDtype: 'int32' | 'float32',
    /** The sample shape given to init. */
    readonly sampleShape: readonly number[],
    /** torch's generator when the run draws its noise from one; null for the Nx key of the states. */
    readonly generator: NoiseGenerator | null,
    /** The standard deviation of the run's start noise. */
    readonly initNoiseSigma: number,
  ) {
    const timesteps = plans.map((plan) => plan.timestep);
    this.timestepValues = timestepDtype === 'int32' ? Int32Array.from(timesteps) : Float32Array.from(timesteps);
    // Kept: the run owns it, whatever tf.tidy the caller's init runs in.
    this.timesteps = tf.keep(tf.tensor1d(this.timestepValues, timestepDtype));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timesteps.dispose();
    tf.dispose(Object.values(this.history));
    this.history = {};
  }
}
