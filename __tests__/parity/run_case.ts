/**
 * Runs a reference case on the active tfjs backend and returns plain numbers (JSON, so that a
 * Chromium page can hand them to jest). Comparing is the caller's job (compare.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler } from 'tfjs-diffusion-schedulers';
import { bumblebeeSample, dummyNoiseDeter, dummySampleDeter, runDummyLoop } from '../helpers/harness';
import { referenceCase, type SchedulerSpec } from './reference_cases';

export interface LoopOutcome {
  kind: 'loop';
  /** The final sample, read back once at the end. */
  shape: number[];
  values: number[];
  /** Tensors left behind by the whole case (must be 0). */
  leaked: number;
}

export interface TimestepsOutcome {
  kind: 'timesteps';
  dtype: string;
  timesteps: number[];
  leaked: number;
}

export type CaseOutcome = LoopOutcome | TimestepsOutcome;

function schedulerOf(spec: SchedulerSpec): DdimScheduler | DdimInverseScheduler {
  if ('options' in spec) return new DdimScheduler(spec.options);
  return spec.inverse ? DdimInverseScheduler.fromDiffusersConfig(spec.diffusersConfig) : DdimScheduler.fromDiffusersConfig(spec.diffusersConfig);
}

export async function runReferenceCase(name: string): Promise<CaseOutcome> {
  const testCase = referenceCase(name);
  const before = tf.memory().numTensors;
  const scheduler = schedulerOf(testCase.scheduler);
  if (testCase.kind === 'timesteps') {
    const { state, timesteps } = scheduler.init(testCase.numSteps, [1], { seed: 0 });
    const values = Array.from(await timesteps.data());
    const dtype = timesteps.dtype;
    timesteps.dispose();
    state.dispose();
    return { kind: 'timesteps', dtype, timesteps: values, leaked: tf.memory().numTensors - before };
  }
  const initial = testCase.kind === 'bumblebee_loop' ? bumblebeeSample() : dummySampleDeter();
  const startIndex = testCase.kind === 'diffusers_loop' ? testCase.noisyStartIndex : undefined;
  const noisyStart = startIndex === undefined ? undefined : { startIndex, noise: dummyNoiseDeter() };
  const result = runDummyLoop(scheduler, 10, initial, noisyStart);
  const values = Array.from(await result.data());
  const shape = result.shape;
  tf.dispose([initial, result, noisyStart?.noise]);
  return { kind: 'loop', shape, values, leaked: tf.memory().numTensors - before };
}
