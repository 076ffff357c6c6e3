/**
 * Counts the active backend's read/readSync calls (the only ways tfjs moves a tensor to the
 * host) while the calls that promise to stay on the device run: `step` (noise drawn by the
 * scheduler, given by the caller, or absent; DDIM inversion and every class of PROTOCOL_RUNS
 * too), and `addNoise` and `getVelocity` with device timesteps. A plain wrapper rather than
 * jest.spyOn, so that it runs in the browser page too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler } from 'tfjs-diffusion-schedulers';
import { PROTOCOL_RUNS, protocolScheduler } from './protocol_runs';

export interface ReadBackCount {
  /** Reads during the steps (must be 0). */
  duringSteps: number;
  /** Reads during addNoise and getVelocity with tensor timesteps (must be 0). */
  duringNoising: number;
  /** Reads during one `await tensor.data()`: proves the counter sees a real read-back (> 0). */
  control: number;
}

async function countReads(work: () => unknown): Promise<number> {
  const backend = tf.backend() as unknown as Record<'read' | 'readSync', (...args: unknown[]) => unknown>;
  let reads = 0;
  const originals = { read: backend.read, readSync: backend.readSync };
  for (const name of ['read', 'readSync'] as const) {
    backend[name] = (...args: unknown[]) => {
      reads++;
      return originals[name].apply(backend, args);
    };
  }
  try {
    await work();
  } finally {
    backend.read = originals.read;
    backend.readSync = originals.readSync;
  }
  return reads;
}

export async function deviceReadBacks(): Promise<ReadBackCount> {
  const shape = [3, 4];
  const sample = tf.randomNormal(shape, 0, 1, 'float32', 3);
  const prediction = tf.randomNormal(shape, 0, 1, 'float32', 4);
  const noise = tf.randomNormal(shape, 0, 1, 'float32', 5);
  const runs = [{}, { eta: 1 }, { predictionType: 'angular_velocity', rederiveNoise: true, eta: 0.5 }, { clipDenoisedSample: false, alphaClipStrategy: 'alpha_zero', timestepsOffset: 1 }] as const;
  const forwardSchedulers = runs.map((options) => new DdimScheduler(options));
  const schedulers = [...forwardSchedulers, new DdimInverseScheduler({ predictionType: 'angular_velocity' })];
  const inits = schedulers.map((scheduler) => scheduler.init(2, shape, { seed: 0 }));
  // Every class of PROTOCOL_RUNS: a 3-step run, its noise drawn, given, drawn.
  const protocolSchedulers = PROTOCOL_RUNS.map(protocolScheduler);
  const protocolInits = protocolSchedulers.map((scheduler, i) => scheduler.init(3, shape, { seed: 0, ...PROTOCOL_RUNS[i].init }));
  const outputs: tf.Tensor[] = [];
  const duringSteps = await countReads(() => {
    schedulers.forEach((scheduler, i) => {
      const first = scheduler.step(inits[i].state, sample, prediction);
      const second = scheduler instanceof DdimScheduler ? scheduler.step(first.state, first.sample, prediction, { noise }) : scheduler.step(first.state, first.sample, prediction);
      outputs.push(first.sample, first.denoised, second.sample, second.denoised);
    });
    protocolSchedulers.forEach((scheduler, i) => {
      let state = protocolInits[i].state;
      for (let step = 0; step < 3; step++) {
        const out = scheduler.step(state, sample, prediction, step === 1 ? { noise } : {});
        outputs.push(out.sample, out.denoised);
        state = out.state;
      }
    });
  });
  const itemTimesteps = tf.tensor1d([10, 500, 999], 'int32');
  // Each protocol run's own device timesteps (float32 for flow matching), one per item.
  const runTimesteps = protocolInits.map((init) => init.timesteps);
  const duringNoising = await countReads(() => {
    outputs.push(forwardSchedulers[0].addNoise(sample, noise, itemTimesteps), forwardSchedulers[0].getVelocity(sample, noise, itemTimesteps));
    protocolSchedulers.forEach((scheduler, i) => outputs.push(scheduler.addNoise(sample, noise, runTimesteps[i])));
  });
  const control = await countReads(() => outputs[0].data());
  tf.dispose([sample, prediction, noise, itemTimesteps, ...outputs, ...inits.map((init) => init.timesteps), ...runTimesteps]);
  [...inits, ...protocolInits].forEach((init) => init.state.dispose());
  return { duringSteps, duringNoising, control };
}
