// The fused combination kernel in Node (cpu): the same bits as the op chain for DDIM's updates
// and the shapes of the other schedulers', through whole loops too; exactly its outputs made, no
// read-back, `step` dispatching to it; wasm and backends without a fused kernel run the op chain.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import reference from '../fixtures/bumblebee_ddim.json';
import { activeBackendHasFusedKernel, combine, fusedKernels } from '../src/kernels';
import { structureKey, THRESHOLDS, weightedSum, type Combination } from '../src/kernels/combination';
import { COMBINATION_KERNEL } from '../src/kernels/combination_kernel';
import { compilePass, passSource } from '../src/kernels/cpu_pass';
import { checkAgreement } from './browser/helpers/kernels_cases';
import { useBackend } from './helpers/backends';
import { bumblebeeSample, runDummyLoop } from './helpers/harness';

/** The names of the kernels `f` runs. */
async function kernelsOf(f: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => f());
  tf.dispose(info.result);
  return info.kernelNames;
}

const sumOfThree: Combination = {
  values: [weightedSum('x0', [['a', 0.7], ['b', -0.2]], { kind: 'clip', range: 1 }), weightedSum('next', [['x0', 0.9], ['c', 0.1]])],
  outputs: ['next', 'x0'],
};

/** A multistep update over history named by call index, as PNDM names it (modelOutput12, ...). */
function historyUpdate(call: number, weights: readonly number[]): Combination {
  const history = [1, 2, 3].map((age) => `modelOutput${call - age}`);
  return {
    values: [
      weightedSum('combined', [['modelOutput', weights[0]], ...history.map((name, i) => [name, weights[i + 1]] as const)]),
      weightedSum('prev', [['sample', 1.01], ['combined', -0.03]]),
      weightedSum('denoised', [['sample', 1.3], ['combined', -0.8]], { kind: 'threshold' }),
    ],
    outputs: ['prev', 'denoised'],
  };
}

describe('structure keys', () => {
  test('combinations that differ only in names and weights share a key and a compiled pass', () => {
    const [a, b] = [historyUpdate(12, [55, -59, 37, -9]), historyUpdate(13, [2.2, -0.5, 0.3, 0.1])];
    expect(structureKey(a)).toBe(structureKey(b));
    expect(compilePass(a)).toBe(compilePass(b));
    expect(passSource(a)).toBe(passSource(b));
  });

  test('another structure gets another key: a weight of 1, a term, a bound, the outputs, the thresholds', () => {
    const base = historyUpdate(12, [55, -59, 37, -9]);
    const [combined, prev, denoised] = base.values;
    const variants: Combination[] = [
      { ...base, values: [weightedSum('combined', [['modelOutput', 1], ['modelOutput11', -59], ['modelOutput10', 37], ['modelOutput9', -9]]), prev, denoised] },
      { ...base, values: [weightedSum('combined', [['modelOutput', 55], ['modelOutput11', -59], ['modelOutput10', 37]]), prev, denoised] },
      { ...base, values: [combined, prev, weightedSum('denoised', [['sample', 1.3], ['combined', -0.8]], { kind: 'clip', range: 1 })] },
      { ...base, values: [combined, weightedSum('prev', [['combined', -0.03], ['sample', 1.01]]), denoised] },
      { ...base, outputs: ['denoised', 'prev'] },
      { ...base, values: [combined, weightedSum('prev', [['sample', 1.01], [THRESHOLDS, -0.03]]), denoised] },
    ];
    const keys = new Set([base, ...variants].map(structureKey));
    expect(keys.size).toBe(variants.length + 1);
  });
});

describe('on cpu', () => {
  beforeAll(() => useBackend('cpu'));

  test('the backend has a fused kernel', () => {
    expect(activeBackendHasFusedKernel()).toBe(true);
  });

  test('fused and op chain agree on every case, bit for bit, making exactly their outputs', async () => {
    const report = await checkAgreement();
    expect(report.cases).toBeGreaterThan(200);
    expect(report.failures).toEqual([]);
    expect(report.wrongTensorCounts).toEqual([]);
    expect(report.leakedTensors).toBe(0);
    // The JS pass rounds to float32 exactly where the chain's kernels do.
    expect(report.maxAbsoluteDifference).toBe(0);
  });

  test('the compiled pass rounds every product and sum, and skips the product by a weight of 1', () => {
    const source = passSource({ values: [weightedSum('v', [['a', 1], ['b', 0.5], ['c', 2]])], outputs: ['v'] });
    expect(source).toContain('const v0 = f(f(in0[i] + f(in1[i] * u1)) + f(in2[i] * u2));');
  });

  test('makes exactly its outputs and reads nothing back', () => {
    const shape = [2, 3, 4];
    const inputs = { a: tf.randomNormal(shape, 0, 1, 'float32', 1), b: tf.randomNormal(shape, 0, 1, 'float32', 2), c: tf.randomNormal(shape, 0, 1, 'float32', 3) };
    const backendImpl = tf.backend();
    const read = jest.spyOn(backendImpl, 'read');
    const readSync = jest.spyOn(backendImpl, 'readSync');
    try {
      const before = tf.memory().numTensors;
      const outputs = combine(sumOfThree, inputs);
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(read).not.toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
      tf.dispose(outputs);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      read.mockRestore();
      readSync.mockRestore();
    }
    tf.dispose(Object.values(inputs));
  });

  test.each<[string, DdimOptions]>([
    ['default options', {}],
    ['v-prediction, eta = 1, re-derived noise', { predictionType: 'angular_velocity', eta: 1, rederiveNoise: true }],
    ['no clipping', { clipDenoisedSample: false }],
  ])('a DDIM step with %s runs the fused kernel and nothing else', async (_, options) => {
    const scheduler = new DdimScheduler(options);
    const { state, timesteps } = scheduler.init(10, [2, 4, 8, 8], { seed: 0 });
    const sample = tf.randomNormal([2, 4, 8, 8], 0, 1, 'float32', 4);
    const noise = tf.randomNormal([2, 4, 8, 8], 0, 1, 'float32', 5);
    const kernels = await kernelsOf(() => {
      const out = scheduler.step(state, sample, sample, { noise });
      return [out.sample, out.denoised];
    });
    expect(kernels).toEqual([COMBINATION_KERNEL]);
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
    expect(kernels).not.toContain(COMBINATION_KERNEL);
    tf.dispose([sample, timesteps]);
    state.dispose();
  });
});

describe('backends without a fused kernel', () => {
  /** Registers a cpu backend under `name` with every cpu kernel but the fused one. */
  function registerPlainCpu(name: string): () => void {
    tf.registerBackend(name, () => new MathBackendCPU());
    const copied = tf.getKernelsForBackend('cpu').filter((kernel) => kernel.kernelName !== COMBINATION_KERNEL);
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
    const inputs = () => ({ a: tf.randomNormal(shape, 0, 1, 'float32', 8), b: tf.randomNormal(shape, 0, 1, 'float32', 9), c: tf.randomNormal(shape, 0, 1, 'float32', 10) });
    const onCpu = tf.tidy(() => combine(sumOfThree, inputs())[0].dataSync());
    const unregister = registerPlainCpu(name);
    try {
      await useBackend(name);
      expect(activeBackendHasFusedKernel()).toBe(false);
      let fallback: Float32Array | null = null;
      const kernels = await kernelsOf(() => {
        const outputs = combine(sumOfThree, inputs());
        fallback = outputs[0].dataSync() as Float32Array;
        return outputs;
      });
      expect(kernels).not.toContain(COMBINATION_KERNEL);
      expect(Array.from(fallback!)).toEqual(Array.from(onCpu));
    } finally {
      await useBackend('cpu');
      unregister();
    }
  });
});
