/**
 * Counts the active backend's read/readSync calls (the only ways tfjs moves a tensor to the
 * host) while the calls that promise to stay on the device run: `step` (noise drawn by the
 * scheduler, given by the caller, or absent; DDIM inversion too), and `addNoise` and
 * `getVelocity` with device timesteps. A plain wrapper rather than jest.spyOn, so that it runs
 * in the browser page too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, EulerAncestralScheduler, EulerScheduler } from 'tfjs-diffusion-schedulers';

export interface ReadBackCount {
  /** Reads during the steps (must be 0). */
  duringSteps: number;
  /** Reads during addNoise and getVelocity with tensor timesteps (int32; float32 for the sigma-space schedulers) (must be 0). */
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
  const schedulers = [
    ...forwardSchedulers,
    new DdimInverseScheduler({ predictionType: 'angular_velocity' }),
    new EulerScheduler({ sChurn: 1, predictionType: 'angular_velocity' }),
    new EulerAncestralScheduler({ predictionType: 'sample' }),
  ];
  const inits = schedulers.map((scheduler) => scheduler.init(2, shape, { seed: 0 }));
  const outputs: tf.Tensor[] = [];
  const duringSteps = await countReads(() => {
    schedulers.forEach((scheduler, i) => {
      const first = scheduler.step(inits[i].state, sample, prediction);
      const second = scheduler instanceof DdimInverseScheduler ? scheduler.step(first.state, first.sample, prediction) : scheduler.step(first.state, first.sample, prediction, { noise });
      outputs.push(first.sample, first.denoised, second.sample, second.denoised);
    });
  });
  const itemTimesteps = tf.tensor1d([10, 500, 999], 'int32');
  const floatTimesteps = tf.tensor1d([0.5, 500.25, 999]);
  const duringNoising = await countReads(() => {
    outputs.push(forwardSchedulers[0].addNoise(sample, noise, itemTimesteps), forwardSchedulers[0].getVelocity(sample, noise, itemTimesteps));
    outputs.push(schedulers.at(-2)!.addNoise(sample, noise, floatTimesteps), schedulers.at(-1)!.addNoise(sample, noise, itemTimesteps));
  });
  const control = await countReads(() => outputs[0].data());
  tf.dispose([sample, prediction, noise, itemTimesteps, floatTimesteps, ...outputs, ...inits.map((init) => init.timesteps)]);
  inits.forEach((init) => init.state.dispose());
  return { duringSteps, duringNoising, control };
}
