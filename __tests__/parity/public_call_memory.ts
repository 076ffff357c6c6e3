/**
 * tf.memory().numTensors before and after every public call: each call makes exactly the
 * tensors it hands out, a failed call makes none, and disposing what a run handed out leaves
 * nothing behind. Returns the counts; the suite compares `made` with `expected`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, random } from 'tfjs-diffusion-schedulers';

export interface MemoryRecord {
  call: string;
  made: number;
  expected: number;
  /** For a call that must throw: whether it did. */
  threw?: boolean;
}

/** The records that break the rules. */
export function memoryMisses(records: readonly MemoryRecord[]): MemoryRecord[] {
  return records.filter((record) => record.made !== record.expected || record.threw === false);
}

export function publicCallMemory(): MemoryRecord[] {
  const records: MemoryRecord[] = [];
  const count = <T>(call: string, expected: number, fn: () => T): T => {
    const before = tf.memory().numTensors;
    const result = fn();
    records.push({ call, made: tf.memory().numTensors - before, expected });
    return result;
  };
  const countThrow = (call: string, fn: () => unknown) => {
    const before = tf.memory().numTensors;
    let threw = false;
    try {
      fn();
    } catch {
      threw = true;
    }
    records.push({ call, made: tf.memory().numTensors - before, expected: 0, threw });
  };

  const baseline = tf.memory().numTensors;
  const shape = [2, 3, 4];
  const scheduler = count('new DdimScheduler', 0, () => new DdimScheduler({ eta: 1, predictionType: 'angular_velocity', rederiveNoise: true }));
  const seedKey = count('random.key', 0, () => random.key(7));
  const [noiseKey] = count('random.split', 0, () => random.split(seedKey));
  const { sample: initial } = count('random.normal', 1, () => random.normal(noiseKey, shape));
  countThrow('init with numSteps 0', () => scheduler.init(0, shape));

  const { state: first, timesteps } = scheduler.init(3, shape, { key: seedKey });
  let state = first;
  let sample = initial;
  const prediction = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const noise = tf.randomNormal(shape, 0, 1, 'float32', 2);
  for (let i = 0; i < 3; i++) {
    // The middle step gets its noise from the caller (diffusers' variance_noise), the others draw it.
    const opts = i === 1 ? { noise } : {};
    const out = count(`step ${i}${i === 1 ? ' with opts.noise' : ''}`, 2, () => scheduler.step(state, sample, prediction, opts));
    records.push({ call: `inputs of step ${i} disposed by it`, made: [sample, prediction, noise].filter((t) => t.isDisposed).length, expected: 0 });
    tf.dispose([sample, out.denoised]);
    ({ state, sample } = out);
  }
  const wrongShape = tf.zeros([1]);
  countThrow('step past the last timestep', () => scheduler.step(state, sample, prediction));
  countThrow('step with a prediction of the wrong shape', () => scheduler.step(first, sample, wrongShape));
  state.dispose();
  countThrow('step with a disposed state', () => scheduler.step(first, sample, prediction));
  tf.dispose([sample, prediction, noise, wrongShape, timesteps]);
  records.push({ call: 'whole run, once its results are disposed', made: tf.memory().numTensors - baseline, expected: 0 });
  return records;
}
