/** A page that checks the fused combination kernels on each backend Chromium runs. */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { activeBackendHasFusedKernel, combine, fusedKernels } from '../../../src/kernels';
import { ddimPlan } from '../../../src/schedulers/ddim/plan';
import { SCHEDULERS } from '../../../src/schedulers/registry';
import { checkAgreement, coefficientsFor } from '../helpers/kernels_cases';
import { countGpuPrograms, isLayoutProgram, recordGpuPrograms } from '../helpers/kernels_programs';
import { useBackend } from './backends';

/** Fused against the op chain on every case; `flags` are tfjs flags set for the run and reset after. */
async function agreement(backend: string, flags: Record<string, boolean> = {}) {
  await useBackend(backend);
  const saved = Object.fromEntries(Object.keys(flags).map((flag) => [flag, tf.env().getBool(flag)]));
  for (const [flag, value] of Object.entries(flags)) tf.env().set(flag, value);
  try {
    return { fused: activeBackendHasFusedKernel(), ...(await checkAgreement()) };
  } finally {
    for (const [flag, value] of Object.entries(saved)) tf.env().set(flag, value);
  }
}

/** A tensor produced on the device by a tfjs op, as a sampling loop's tensors are. */
function resident(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), 1));
}

/**
 * GPU programs of each step of a `numSteps` run of the scheduler `name` (the command line's
 * name) with inputs already on the device; `noise`: 'injected' passes a resident z, 'drawn'
 * lets the step draw it on the host. The run is taken twice, the first time to compile every
 * program; then once more with the fused kernels off (the op chain), for comparison.
 */
async function programsPerStep(backend: string, name: string, options: object, noise: 'injected' | 'drawn', numSteps = 4) {
  await useBackend(backend);
  const shape = [2, 4, 16, 16];
  const scheduler = SCHEDULERS.find((entry) => entry.name === name)!.create(options);
  const sample = resident(shape, 1);
  const prediction = resident(shape, 2);
  const injected = noise === 'injected' ? { noise: resident(shape, 3) } : {};
  const run = () => {
    const started = scheduler.init(numSteps, shape, { seed: 0 });
    started.timesteps.dispose();
    let state = started.state;
    const programs: Array<number | null> = [];
    while (state.timestep !== undefined) {
      const current = state;
      const { result, programs: count } = countGpuPrograms(() => scheduler.step(current, sample, prediction, injected));
      tf.dispose([result.sample, result.denoised]);
      programs.push(count);
      state = result.state;
    }
    state.dispose();
    return programs;
  };
  run();
  const fused = run();
  fusedKernels.enabled = false;
  let chain: Array<number | null>;
  try {
    run();
    chain = run();
  } finally {
    fusedKernels.enabled = true;
  }
  await tf.tidy(() => tf.sum(sample)).data();
  tf.dispose([sample, prediction, injected.noise ?? null].filter((t): t is tf.Tensor => t !== null));
  return { backend: tf.getBackend(), fused, chain };
}

/** A DDIM update as the step runs it: x, p and z resident, a threshold per batch item or a clip. */
function ddimUpdate(withThreshold: boolean) {
  const options = new DdimScheduler({ eta: 1, thresholding: withThreshold }).options;
  return ddimPlan(options, 0, coefficientsFor('noise', 0.3, 0.5, 1)).combination;
}

/** GPU programs of the fused update alone, with resident inputs and a resident threshold per batch item. */
async function updatePrograms(backend: string, withThreshold: boolean) {
  await useBackend(backend);
  const shape = [2, 4, 16, 16];
  const inputs: Record<string, tf.Tensor> = { sample: resident(shape, 7), modelOutput: resident(shape, 8), noise: resident(shape, 9) };
  if (withThreshold) inputs.thresholds = tf.tidy(() => tf.add(tf.abs(resident([2], 10)), 1));
  const combination = ddimUpdate(withThreshold);
  const update = () => tf.dispose(combine(combination, inputs));
  update();
  const { programs } = countGpuPrograms(update);
  tf.dispose(Object.values(inputs));
  return { backend: tf.getBackend(), programs };
}

/** Tensors made and read-backs done by the fused update and by a step. */
async function tensorsAndReads(backend: string) {
  await useBackend(backend);
  const shape = [3, 4, 5];
  const inputs: Record<string, tf.Tensor> = { sample: resident(shape, 4), modelOutput: resident(shape, 5), noise: resident(shape, 6), thresholds: tf.tensor1d([1, 1.5, 2.5]) };
  const scheduler = new DdimScheduler({ eta: 1 });
  const { state, timesteps } = scheduler.init(10, shape, { seed: 0 });
  const impl = tf.backend() as unknown as Record<string, unknown>;
  let reads = 0;
  for (const method of ['read', 'readSync']) {
    const original = impl[method] as (...args: unknown[]) => unknown;
    impl[method] = function (this: unknown, ...args: unknown[]) {
      reads++;
      return original.apply(this, args);
    };
  }
  const before = tf.memory().numTensors;
  const fused = combine(ddimUpdate(true), inputs);
  const madeByUpdate = tf.memory().numTensors - before;
  const out = scheduler.step(state, inputs.sample, inputs.modelOutput);
  const madeByUpdateAndStep = tf.memory().numTensors - before;
  delete impl.read;
  delete impl.readSync;
  tf.dispose([...fused, out.sample, out.denoised]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([...Object.values(inputs), timesteps]);
  state.dispose();
  // the spy works: a real read-back is seen
  let seen = 0;
  const original = impl.readSync as (...args: unknown[]) => unknown;
  impl.readSync = function (this: unknown, ...args: unknown[]) {
    seen++;
    return original.apply(this, args);
  };
  const probe = tf.scalar(1);
  tf.tidy(() => tf.add(probe, 1)).dataSync();
  delete impl.readSync;
  probe.dispose();
  return { fused: activeBackendHasFusedKernel(), madeByUpdate, madeByUpdateAndStep, reads, leaked, spySeesReads: seen > 0 };
}

/** Bumblebee's 10-step loops (fixtures/bumblebee_ddim.json) with the fused kernel; sums and slices. */
async function bumblebeeLoops(backend: string, flags: Record<string, boolean>, optionSets: DdimOptions[]) {
  const info = await useBackend(backend, flags);
  const before = tf.memory().numTensors;
  const results = [];
  for (const options of optionSets) {
    const scheduler = new DdimScheduler(options);
    const { state: first, timesteps } = scheduler.init(10, [8, 8, 4], { seed: 0 });
    let state = first;
    let sample = tf.tidy(() => tf.reshape(tf.div(tf.range(0, 256, 1, 'float32'), 256), [8, 8, 4]));
    for (const t of await timesteps.data()) {
      const prediction = tf.mul(sample, t / (t + 1));
      const out = scheduler.step(state, sample, prediction);
      tf.dispose([sample, prediction, out.denoised]);
      ({ state, sample } = out);
    }
    const [sum, slice] = tf.tidy(() => [tf.sum(sample), tf.slice(sample, [1, 1, 1], [3, 3, 2])]);
    results.push({ sum: (await sum.data())[0], slice: Array.from(await slice.data()) });
    tf.dispose([sum, slice, sample, timesteps]);
    state.dispose();
  }
  return {
    ...info,
    fused: activeBackendHasFusedKernel(),
    f16: backend === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
    results,
    leaked: tf.memory().numTensors - before,
  };
}

/**
 * The layout the webgl kernel runs in, case by case: a DDIM update (x, p, z in; two outputs) on
 * inputs made packed ('p') or unpacked ('u') by an element-wise op, with tfjs's element-wise
 * packing on and off; the programs it runs, the layout of its outputs, and how far its numbers
 * are from those of the first case (the same inputs in another layout).
 */
async function layoutFollowsInputs() {
  await useBackend('webgl');
  const FLAG = 'WEBGL_PACK_BINARY_OPERATIONS';
  const saved = tf.env().getBool(FLAG);
  const shape = [2, 5, 7, 3];
  const texData = (tf.backend() as unknown as { texData: { get(id: object): { isPacked?: boolean } } }).texData;
  const withPacking = <T>(packed: boolean, f: () => T): T => {
    tf.env().set(FLAG, packed);
    try {
      return f();
    } finally {
      tf.env().set(FLAG, saved);
    }
  };
  /** x, p, z on the GPU in the layouts given ('p' or 'u'), or z still on the host ('h'). */
  const made = (layouts: string): Record<string, tf.Tensor> => {
    const names = ['sample', 'modelOutput', 'noise'];
    return Object.fromEntries(
      names.map((name, i) => {
        const drawn = tf.randomNormal(shape, 0, 1, 'float32', 20 + i);
        if (layouts[i] === 'h') return [name, drawn];
        const resident = withPacking(layouts[i] === 'p', () => tf.mul(drawn, 1));
        drawn.dispose();
        return [name, resident];
      }),
    );
  };
  const combination = ddimUpdate(false);
  const cases = [];
  let first: Float32Array[] | null = null;
  for (const packing of [true, false]) {
    for (const layouts of ['ppp', 'uuu', 'ppu', 'uup', 'puh']) {
      const inputs = made(layouts);
      const { result, programs } = recordGpuPrograms(() => withPacking(packing, () => combine(combination, inputs)));
      const values = await Promise.all(result.map((output) => output.data() as Promise<Float32Array>));
      first ??= values;
      const difference = Math.max(...values.map((output, o) => Math.max(...output.map((value, i) => Math.abs(value - first![o][i])))));
      cases.push({ packing, inputs: layouts, programs: programs!.length, layoutPrograms: programs!.filter(isLayoutProgram).length, outputsPacked: result.map((output) => !!texData.get(output.dataId).isPacked), difference });
      tf.dispose([...Object.values(inputs), ...result]);
    }
  }
  // The sample the kernel wrote itself (unpacked) beside the model's packed output, z on the
  // host: the kernel follows the model's layout, not its own earlier choice.
  const unpacked = made('uuu');
  const own = withPacking(false, () => combine(combination, unpacked));
  const fresh = made('hph');
  const next = withPacking(false, () => combine(combination, { ...fresh, sample: own[0] }));
  const followsModel = { ownSamplePacked: !!texData.get(own[0].dataId).isPacked, outputsPacked: next.map((output) => !!texData.get(output.dataId).isPacked) };
  tf.dispose([...Object.values(unpacked), ...own, ...Object.values(fresh), ...next]);
  return { cases, followsModel };
}

(window as unknown as { suite: object }).suite = { agreement, programsPerStep, updatePrograms, tensorsAndReads, bumblebeeLoops, layoutFollowsInputs };
