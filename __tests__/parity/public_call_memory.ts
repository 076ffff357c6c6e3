/**
 * tf.memory().numTensors before and after every public call: each call makes exactly the
 * tensors it hands out, a failed or aborted call makes none, and disposing what a run handed
 * out leaves nothing behind. Returns the counts; the suite compares `made` with `expected`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, glyphsDenoiser, loadScheduler, random, ringDenoiser, sample, type ScheduleSource } from 'tfjs-diffusion-schedulers';
import { PROTOCOL_RUNS, protocolLabel, protocolScheduler } from './protocol_runs';

export interface MemoryRecord {
  call: string;
  made: number;
  expected: number;
  /** For a call that must throw (or reject): whether it did. */
  threw?: boolean;
}

/** The records that break the rules. */
export function memoryMisses(records: readonly MemoryRecord[]): MemoryRecord[] {
  return records.filter((record) => record.made !== record.expected || record.threw === false);
}

class MemoryLog {
  readonly records: MemoryRecord[] = [];

  /** Runs `fn` (sync or async) and records how many tensors it left. */
  async count<T>(call: string, expected: number, fn: () => T | Promise<T>): Promise<T> {
    const before = tf.memory().numTensors;
    const result = await fn();
    this.records.push({ call, made: tf.memory().numTensors - before, expected });
    return result;
  }

  /** Runs `fn`, which must throw or reject, and records that it left nothing. */
  async countFailure(call: string, fn: () => unknown): Promise<void> {
    const before = tf.memory().numTensors;
    let threw = false;
    try {
      await fn();
    } catch {
      threw = true;
    }
    this.records.push({ call, made: tf.memory().numTensors - before, expected: 0, threw });
  }

  check(call: string, made: number, expected: number): void {
    this.records.push({ call, made, expected });
  }
}

/** A DDIM run with eta > 0 (noise drawn, then given), every step counted. */
async function schedulerCalls(log: MemoryLog): Promise<void> {
  const shape = [2, 3, 4];
  const scheduler = await log.count('new DdimScheduler', 0, () => new DdimScheduler({ eta: 1, predictionType: 'angular_velocity', rederiveNoise: true }));
  const seedKey = await log.count('random.key', 0, () => random.key(7));
  const [noiseKey] = await log.count('random.split', 0, () => random.split(seedKey));
  const { sample: initial } = await log.count('random.normal', 1, () => random.normal(noiseKey, shape));
  await log.countFailure('init with numSteps 0', () => scheduler.init(0, shape));

  const { state: first, timesteps } = scheduler.init(3, shape, { key: seedKey });
  let state = first;
  let current = initial;
  const prediction = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const noise = tf.randomNormal(shape, 0, 1, 'float32', 2);
  for (let i = 0; i < 3; i++) {
    // The middle step gets its noise from the caller (diffusers' variance_noise), the others draw it.
    const opts = i === 1 ? { noise } : {};
    const out = await log.count(`step ${i}${i === 1 ? ' with opts.noise' : ''}`, 2, () => scheduler.step(state, current, prediction, opts));
    log.check(`inputs of step ${i} disposed by it`, [current, prediction, noise].filter((t) => t.isDisposed).length, 0);
    tf.dispose([current, out.denoised]);
    ({ state, sample: current } = out);
  }
  const wrongShape = tf.zeros([1]);
  await log.countFailure('step past the last timestep', () => scheduler.step(state, current, prediction));
  await log.countFailure('step with a prediction of the wrong shape', () => scheduler.step(first, current, wrongShape));

  const deviceTimesteps = tf.tensor1d([10, 500], 'int32');
  tf.dispose(await log.count('addNoise with host timesteps', 1, () => scheduler.addNoise(current, noise, [10, 500])));
  tf.dispose(await log.count('addNoise with device timesteps', 1, () => scheduler.addNoise(current, noise, deviceTimesteps)));
  tf.dispose(await log.count('getVelocity', 1, () => scheduler.getVelocity(current, noise, [0, 999])));
  await log.countFailure('addNoise with a timestep out of range', () => scheduler.addNoise(current, noise, [10, 1000]));

  state.dispose();
  await log.countFailure('step with a disposed state', () => scheduler.step(first, current, prediction));
  tf.dispose([current, prediction, noise, wrongShape, deviceTimesteps, timesteps]);
}

/** diffusers interop and DDIM inversion. */
async function diffusersCalls(log: MemoryLog): Promise<void> {
  const config = { _class_name: 'DDIMInverseScheduler', beta_schedule: 'scaled_linear', steps_offset: 1, set_alpha_to_one: false };
  const forward = await log.count('DdimScheduler.fromDiffusersConfig', 0, () => DdimScheduler.fromDiffusersConfig(config));
  await log.count('toDiffusersConfig', 0, () => forward.toDiffusersConfig());
  const inverse = await log.count('loadScheduler', 0, () => loadScheduler(config));
  await log.count('DdimInverseScheduler.fromDiffusersConfig', 0, () => DdimInverseScheduler.fromDiffusersConfig(config));
  const shape = [1, 4];
  const image = tf.ones(shape);
  const { state: first, timesteps } = inverse.init(2, shape);
  const out = await log.count('inverse step', 2, () => inverse.step(first, image, image));
  tf.dispose([image, out.sample, out.denoised, timesteps]);
  first.dispose();
}

/** The sampling loop and the exact denoisers: the result only, and nothing on failure or abort. */
async function samplingCalls(log: MemoryLog): Promise<void> {
  const scheduler = new DdimScheduler();
  const denoiser = await log.count('glyphsDenoiser', 0, () => glyphsDenoiser(scheduler));
  const shape = [2, 16, 16, 1];
  const noisy = tf.randomNormal(shape, 0, 1, 'float32', 6);
  const timestep = tf.scalar(500, 'int32');
  tf.dispose(await log.count('a glyphs denoiser call', 1, () => denoiser(noisy, timestep, { index: 0, timestep: 500 })));
  const points = tf.randomNormal([8, 2], 0, 1, 'float32', 7);
  tf.dispose(await log.count('a ring denoiser call', 1, () => ringDenoiser(scheduler)(points, timestep, { index: 0, timestep: 500 })));

  tf.dispose(await log.count('sample', 1, () => sample(scheduler, denoiser, { numSteps: 3, shape, seed: 0 })));
  tf.dispose(await log.count('sample from an initialSample', 1, () => sample(scheduler, denoiser, { numSteps: 3, initialSample: noisy })));
  log.check('initialSample disposed by sample', noisy.isDisposed ? 1 : 0, 0);
  const controller = new AbortController();
  await log.countFailure('sample aborted after its first step', () =>
    sample(scheduler, denoiser, { numSteps: 3, shape, seed: 0, signal: controller.signal, onStep: () => controller.abort() }),
  );
  await log.countFailure('sample whose denoiser throws', () =>
    sample(scheduler, (x, t, info) => (info.index === 1 ? Promise.reject(new Error('model failed')) : denoiser(x, t, info)), { numSteps: 3, shape, seed: 0 }),
  );
  tf.dispose([noisy, timestep, points]);
}

/**
 * Every class of PROTOCOL_RUNS through the protocol: a 3-step run (noise drawn, then given),
 * scaleModelInput, addNoise with host and device timesteps, config interop, and sample() from
 * noise and from an image with the exact ring denoiser.
 */
async function protocolCalls(log: MemoryLog): Promise<void> {
  const shape = [2, 3, 2];
  for (const run of PROTOCOL_RUNS) {
    const label = protocolLabel(run);
    const scheduler = await log.count(`new ${label}`, 0, () => protocolScheduler(run));
    await log.count(`${label}: toDiffusersConfig, then loadScheduler`, 0, () => loadScheduler(scheduler.toDiffusersConfig()));
    await log.countFailure(`${label}: init with numSteps 0`, () => scheduler.init(0, shape, run.init));
    const { state: first, timesteps } = scheduler.init(3, shape, { seed: 0, ...run.init });
    const prediction = tf.randomNormal(shape, 0, 1, 'float32', 8);
    const noise = tf.randomNormal(shape, 0, 1, 'float32', 9);
    let current = tf.randomNormal(shape, 0, 1, 'float32', 10);
    tf.dispose(await log.count(`${label}: scaleModelInput`, 1, () => scheduler.scaleModelInput(first, current)));
    let state = first;
    for (let i = 0; i < 3; i++) {
      const out = await log.count(`${label}: step ${i}${i === 1 ? ' with opts.noise' : ''}`, 2, () => scheduler.step(state, current, prediction, i === 1 ? { noise } : {}));
      log.check(`${label}: inputs of step ${i} disposed by it`, [current, prediction, noise].filter((t) => t.isDisposed).length, 0);
      tf.dispose([current, out.denoised]);
      ({ state, sample: current } = out);
    }
    await log.countFailure(`${label}: step past the last timestep`, () => scheduler.step(state, current, prediction));
    const itemTimesteps = tf.slice(timesteps, [0], [2]);
    tf.dispose(await log.count(`${label}: addNoise with host timesteps`, 1, () => scheduler.addNoise(current, noise, [first.timestep!, first.timestep!])));
    tf.dispose(await log.count(`${label}: addNoise with device timesteps`, 1, () => scheduler.addNoise(current, noise, itemTimesteps)));
    const beyond = (scheduler.options as { numTrainSteps: number }).numTrainSteps + 1;
    await log.countFailure(`${label}: addNoise at timestep ${beyond}`, () => scheduler.addNoise(current, noise, [0, beyond]));
    state.dispose();
    await log.countFailure(`${label}: step with a disposed state`, () => scheduler.step(first, current, prediction));
    tf.dispose([current, prediction, noise, itemTimesteps, timesteps]);

    const denoiser = ringDenoiser(scheduler as unknown as ScheduleSource);
    const points = [8, 2];
    tf.dispose(await log.count(`${label}: sample with the ring denoiser`, 1, () => sample(scheduler, denoiser, { numSteps: 3, shape: points, seed: 0, init: run.init })));
    const image = tf.randomNormal(points, 0, 1, 'float32', 11);
    tf.dispose(await log.count(`${label}: sample from an image`, 1, () => sample(scheduler, denoiser, { numSteps: 3, image, strength: 0.7, seed: 0, init: run.init })));
    image.dispose();
  }
}

export async function publicCallMemory(): Promise<MemoryRecord[]> {
  const log = new MemoryLog();
  const baseline = tf.memory().numTensors;
  await schedulerCalls(log);
  await diffusersCalls(log);
  await samplingCalls(log);
  await protocolCalls(log);
  log.check('everything, once the results are disposed', tf.memory().numTensors - baseline, 0);
  return log.records;
}
