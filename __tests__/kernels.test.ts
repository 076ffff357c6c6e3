// The fused DDIM update kernel in Node (cpu): the same numbers as the op chain for every option
// combination and through whole loops, exactly two tensors made, no read-back, and `step`
// dispatching to it; wasm and backends without a fused kernel run the op chain.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import reference from '../fixtures/bumblebee_ddim.json';
import { activeBackendHasFusedKernel, fusedDdimUpdate, fusedKernels } from '../src/kernels';
import { DDIM_UPDATE_KERNEL } from '../src/kernels/ddim_update_kernel';
import { ddimUpdate } from '../src/schedulers/ddim_update';
import { checkAgreement, coefficientsFor } from './browser/helpers/kernels_cases';
import { useBackend } from './helpers/backends';
import { bumblebeeSample, runDummyLoop } from './helpers/harness';

const coefficients = coefficientsFor('angular_velocity', 0.3, 0.5, 1);

/** The names of the kernels `f` runs. */
async function kernelsOf(f: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => f());
  tf.dispose(info.result);
  return info.kernelNames;
}

describe('on cpu', () => {
  beforeAll(() => useBackend('cpu'));

  test('the backend has a fused kernel', () => {
    expect(activeBackendHasFusedKernel()).toBe(true);
  });

  test('fused and op chain agree on every case, bit for bit', async () => {
    const report = await checkAgreement();
    expect(report.failures).toEqual([]);
    expect(report.leakedTensors).toBe(0);
    // The JS pass rounds to float32 exactly where the chain's kernels do.
    expect(report.maxAbsoluteDifference).toBe(0);
  });

  test('makes exactly its two outputs and reads nothing back', () => {
    const shape = [2, 3, 4];
    const sample = tf.randomNormal(shape, 0, 1, 'float32', 1);
    const prediction = tf.randomNormal(shape, 0, 1, 'float32', 2);
    const noise = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const threshold = tf.tensor1d([1.5, 2]);
    const backendImpl = tf.backend();
    const read = jest.spyOn(backendImpl, 'read');
    const readSync = jest.spyOn(backendImpl, 'readSync');
    try {
      const before = tf.memory().numTensors;
      const fused = fusedDdimUpdate({ sample, prediction, noise, threshold }, coefficients, { clipRange: 1, rederiveNoise: true });
      expect(fused).not.toBeNull();
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(read).not.toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
      tf.dispose([fused!.sample, fused!.denoised]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      read.mockRestore();
      readSync.mockRestore();
    }
    tf.dispose([sample, prediction, noise, threshold]);
  });

  test.each<[string, DdimOptions, number]>([
    ['default options', {}, 1],
    ['v-prediction, eta = 1, re-derived noise', { predictionType: 'angular_velocity', eta: 1, rederiveNoise: true }, 1],
    ['no clipping', { clipDenoisedSample: false }, 1],
  ])('a step with %s runs the fused kernel and nothing else', async (_, options, kernelCount) => {
    const scheduler = new DdimScheduler(options);
    const { state, timesteps } = scheduler.init(10, [2, 4, 8, 8], { seed: 0 });
    const sample = tf.randomNormal([2, 4, 8, 8], 0, 1, 'float32', 4);
    const noise = tf.randomNormal([2, 4, 8, 8], 0, 1, 'float32', 5);
    const kernels = await kernelsOf(() => {
      const out = scheduler.step(state, sample, sample, { noise });
      return [out.sample, out.denoised];
    });
    expect(kernels).toEqual(Array(kernelCount).fill(DDIM_UPDATE_KERNEL));
    tf.dispose([sample, noise, timesteps]);
    state.dispose();
  });

  test('memory stays flat over 200 fused steps', () => {
    const scheduler = new DdimScheduler({ eta: 1 });
    const { state, timesteps } = scheduler.init(1000, [1, 4, 16, 16], { seed: 0 });
    let sample = tf.randomNormal([1, 4, 16, 16], 0, 1, 'float32', 6);
    const noise = tf.randomNormal([1, 4, 16, 16], 0, 1, 'float32', 7);
    let current = state;
    let held: tf.MemoryInfo | null = null;
    for (let i = 0; i < 200; i++) {
      const prediction = tf.mul(sample, 0.5);
      const out = scheduler.step(current, sample, prediction, { noise });
      tf.dispose([sample, prediction, out.denoised]);
      ({ state: current, sample } = out);
      if (i === 9) held = tf.memory();
    }
    expect(tf.memory().numTensors).toBe(held!.numTensors);
    expect(tf.memory().numBytes).toBe(held!.numBytes);
    tf.dispose([sample, noise, timesteps]);
    state.dispose();
  });
});

describe('through whole loops on cpu', () => {
  beforeAll(() => useBackend('cpu'));
  afterEach(() => {
    fusedKernels.enabled = true;
  });

  test.each(reference.ddim.loops_10_steps.map((c) => [JSON.stringify(c.options), c.options as DdimOptions] as const))(
    "Bumblebee's 10-step loop with %s: fused and op chain give the same bits",
    (_, options) => {
      const loop = () => {
        const initial = bumblebeeSample();
        const result = runDummyLoop(new DdimScheduler(options), 10, initial);
        const values = Array.from(result.dataSync());
        tf.dispose([initial, result]);
        return values;
      };
      const fused = loop();
      fusedKernels.enabled = false;
      expect(activeBackendHasFusedKernel()).toBe(false);
      expect(loop()).toEqual(fused);
    },
  );
});

describe('on wasm', () => {
  beforeAll(() => useBackend('wasm'));

  test("the op chain runs: tfjs-wasm's SIMD kernels beat a JavaScript pass over the wasm heap", async () => {
    expect(activeBackendHasFusedKernel()).toBe(false);
    const scheduler = new DdimScheduler({ eta: 1 });
    const { state, timesteps } = scheduler.init(10, [2, 8], { seed: 0 });
    const sample = tf.randomNormal([2, 8], 0, 1, 'float32', 11);
    const kernels = await kernelsOf(() => {
      const out = scheduler.step(state, sample, sample);
      return [out.sample, out.denoised];
    });
    expect(kernels).not.toContain(DDIM_UPDATE_KERNEL);
    tf.dispose([sample, timesteps]);
    state.dispose();
  });
});

describe('backends without a fused kernel', () => {
  /** Registers a cpu backend under `name` with every cpu kernel but the fused one. */
  function registerPlainCpu(name: string): () => void {
    tf.registerBackend(name, () => new MathBackendCPU());
    const copied = tf.getKernelsForBackend('cpu').filter((kernel) => kernel.kernelName !== DDIM_UPDATE_KERNEL);
    for (const kernel of copied) tf.registerKernel({ ...kernel, backendName: name });
    return () => {
      for (const kernel of copied) tf.unregisterKernel(kernel.kernelName, name);
      tf.removeBackend(name);
    };
  }

  test.each([
    ['an unknown name', 'plain'],
    ["a backend named 'webgl' without runWebGLProgram", 'webgl'],
  ])('%s falls back to the op chain, with the same numbers', async (_, name) => {
    await useBackend('cpu');
    const shape = [3, 7];
    const inputs = () => ({
      sample: tf.randomNormal(shape, 0, 1, 'float32', 8),
      prediction: tf.randomNormal(shape, 0, 1, 'float32', 9),
      noise: tf.randomNormal(shape, 0, 1, 'float32', 10),
      threshold: null,
    });
    const flags = { clipRange: 1, rederiveNoise: false };
    const onCpu = tf.tidy(() => ddimUpdate(inputs(), coefficients, flags).sample.dataSync());
    const unregister = registerPlainCpu(name);
    try {
      await useBackend(name);
      expect(activeBackendHasFusedKernel()).toBe(false);
      tf.tidy(() => expect(fusedDdimUpdate(inputs(), coefficients, flags)).toBeNull());
      let fallback: Float32Array | null = null;
      const kernels = await kernelsOf(() => {
        const { sample, denoised } = ddimUpdate(inputs(), coefficients, flags);
        fallback = sample.dataSync() as Float32Array;
        return [sample, denoised];
      });
      expect(kernels).not.toContain(DDIM_UPDATE_KERNEL);
      expect(Array.from(fallback!)).toEqual(Array.from(onCpu));
    } finally {
      await useBackend('cpu');
      unregister();
    }
  });
});
