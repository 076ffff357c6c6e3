/**
 * Counts the active backend's read/readSync calls (the only ways tfjs moves a tensor to the
 * host) while the calls that promise to stay on the device run: `step` (noise drawn by the
 * scheduler, given by the caller, or absent; DDIM inversion and every class of PROTOCOL_RUNS
 * too), and `addNoise` and `getVelocity` with device timesteps. A plain wrapper rather than
 * jest.spyOn, so that it runs in the browser page too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import { PROTOCOL_RUNS, PROTOCOL_STEPS, protocolScheduler } from './protocol_runs';

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
  const ddimRuns = [
    {},
    { eta: 1 },
    { predictionType: 'angular_velocity', rederiveNoise: true, eta: 0.5 },
    { clipDenoisedSample: false, alphaClipStrategy: 'alpha_zero', timestepsOffset: 1 },
    { thresholding: true, dynamicThresholdingRatio: 0.87 },
  ] as const;
  const ddim = ddimRuns.map((options) => new DdimScheduler(options));
  const schedulers: Scheduler[] = [...ddim, new DdimInverseScheduler({ predictionType: 'angular_velocity' }), ...PROTOCOL_RUNS.map(protocolScheduler)];
  const initOptions = (i: number) => ({ seed: 0, ...PROTOCOL_RUNS[i - ddim.length - 1]?.init?.(PROTOCOL_STEPS) });
  const inits = schedulers.map((scheduler, i) => scheduler.init(PROTOCOL_STEPS, shape, initOptions(i)));
  const outputs: tf.Tensor[] = [];
  const duringSteps = await countReads(() => {
    schedulers.forEach((scheduler, i) => {
      // Every call of the run; every other step gets its noise from the caller (ignored where none is drawn).
      let state = inits[i].state;
      let current = sample;
      while (state.timestep !== undefined) {
        const out = scheduler.step(state, current, prediction, state.index % 2 === 1 ? { noise } : {});
        outputs.push(out.sample, out.denoised);
        ({ state, sample: current } = out);
      }
    });
  });
  const itemTimesteps = tf.tensor1d([10, 500, 999], 'int32');
  // Each run's own device timesteps (float32 for the sigma-space and flow schedulers), one per item.
  const runTimesteps = inits.map((init) => tf.slice(init.timesteps, [0], [shape[0]]) as tf.Tensor1D);
  const duringNoising = await countReads(() => {
    outputs.push(ddim[0].addNoise(sample, noise, itemTimesteps), ddim[0].getVelocity(sample, noise, itemTimesteps));
    schedulers.forEach((scheduler, i) => outputs.push(scheduler.addNoise(sample, noise, runTimesteps[i])));
  });
  const control = await countReads(() => outputs[0].data());
  tf.dispose([sample, prediction, noise, itemTimesteps, ...outputs, ...inits.map((init) => init.timesteps), ...runTimesteps]);
  inits.forEach((init) => init.state.dispose());
  return { duringSteps, duringNoising, control };
}
