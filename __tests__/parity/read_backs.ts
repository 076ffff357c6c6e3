/**
 * Counts the active backend's read/readSync calls (the only ways tfjs moves a tensor to the
 * host) while the calls that promise to stay on the device run: every `step` of whole runs of
 * DDIM, DDIM inversion, PNDM, LCM and TCD (noise drawn by the scheduler, given by the caller,
 * or absent; multistep history kept and released), and `addNoise` and
 * `getVelocity` with device timesteps. A plain wrapper rather than jest.spyOn, so that it runs
 * in the browser page too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, LcmScheduler, PndmScheduler, TcdScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';

export interface ReadBackCount {
  /** Reads during the steps (must be 0). */
  duringSteps: number;
  /** Reads during addNoise and getVelocity with int32 tensor timesteps (must be 0). */
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

/** The schedulers whose whole runs are counted: DDIM's variants and inversion, PNDM (both warm-ups), LCM, TCD. */
function schedulersUnderTest(): Scheduler[] {
  const ddimRuns = [{}, { eta: 1 }, { predictionType: 'angular_velocity', rederiveNoise: true, eta: 0.5 }, { clipDenoisedSample: false, alphaClipStrategy: 'alpha_zero', timestepsOffset: 1 }] as const;
  return [
    ...ddimRuns.map((options) => new DdimScheduler(options)),
    new DdimInverseScheduler({ predictionType: 'angular_velocity' }),
    new PndmScheduler({ predictionType: 'angular_velocity' }),
    new PndmScheduler({ reduceWarmup: true }),
    // Not thresholding: on webgl tf.topk hands items under 100000 elements to the CPU (a
    // readSync), so dynamic thresholding reads back there (DDIM's too).
    new LcmScheduler({ clipDenoisedSample: true }),
    new TcdScheduler({ predictionType: 'sample', gamma: 0.5 }),
  ];
}

export async function deviceReadBacks(): Promise<ReadBackCount> {
  const shape = [3, 4];
  const sample = tf.randomNormal(shape, 0, 1, 'float32', 3);
  const prediction = tf.randomNormal(shape, 0, 1, 'float32', 4);
  const noise = tf.randomNormal(shape, 0, 1, 'float32', 5);
  const schedulers = schedulersUnderTest();
  const inits = schedulers.map((scheduler) => scheduler.init(4, shape, { seed: 0 }));
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
  const duringNoising = await countReads(() => {
    outputs.push(schedulers[0].addNoise(sample, noise, itemTimesteps), (schedulers[0] as DdimScheduler).getVelocity(sample, noise, itemTimesteps));
  });
  const control = await countReads(() => outputs[0].data());
  tf.dispose([sample, prediction, noise, itemTimesteps, ...outputs, ...inits.map((init) => init.timesteps)]);
  inits.forEach((init) => init.state.dispose());
  return { duringSteps, duringNoising, control };
}
