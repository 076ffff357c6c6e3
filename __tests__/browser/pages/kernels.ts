/** A page that checks the fused DDIM update kernels on each backend Chromium runs. */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { activeBackendHasFusedKernel, fusedDdimUpdate } from '../../../src/kernels';
import { ddimUpdateOps } from '../../../src/schedulers/ddim_update';
import { checkAgreement, coefficientsFor } from '../helpers/kernels_cases';
import { countGpuPrograms } from '../helpers/kernels_programs';
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
 * GPU programs of one `step` with inputs already on the device, after a first step compiled
 * them; `noise`: 'injected' passes a resident z, 'drawn' lets the step draw it on the host.
 * Also the programs of the op chain on the same inputs, for comparison.
 */
async function programsPerStep(backend: string, options: DdimOptions, noise: 'injected' | 'drawn') {
  await useBackend(backend);
  const shape = [2, 4, 16, 16];
  const scheduler = new DdimScheduler(options);
  const { state, timesteps } = scheduler.init(10, shape, { seed: 0 });
  const sample = resident(shape, 1);
  const prediction = resident(shape, 2);
  const injected = noise === 'injected' ? { noise: resident(shape, 3) } : {};
  const step = () => {
    const out = scheduler.step(state, sample, prediction, injected);
    tf.dispose([out.sample, out.denoised]);
  };
  step();
  const fused = countGpuPrograms(step).programs;
  const coefficients = coefficientsFor(options.predictionType === 'angular_velocity' ? 'angular_velocity' : 'noise', 0.3, 0.5, options.eta ?? 0);
  const chainInputs = { sample, prediction, noise: injected.noise ?? null, threshold: null };
  const chainFlags = { clipRange: options.clipDenoisedSample === false ? null : 1, rederiveNoise: options.rederiveNoise ?? false };
  const chainStep = () => tf.dispose(Object.values(tf.tidy(() => ({ ...ddimUpdateOps(chainInputs, coefficients, chainFlags) }))));
  chainStep();
  const chain = countGpuPrograms(chainStep).programs;
  await tf.tidy(() => tf.sum(sample)).data();
  tf.dispose([sample, prediction, injected.noise ?? null, timesteps].filter((t): t is tf.Tensor => t !== null));
  state.dispose();
  return { backend: tf.getBackend(), fused, chain };
}

/** GPU programs of the fused update alone, with resident inputs and a resident threshold per batch item. */
async function updatePrograms(backend: string, withThreshold: boolean) {
  await useBackend(backend);
  const shape = [2, 4, 16, 16];
  const inputs = {
    sample: resident(shape, 7),
    prediction: resident(shape, 8),
    noise: resident(shape, 9),
    threshold: withThreshold ? tf.tidy(() => tf.add(tf.abs(resident([2], 10)), 1)) : null,
  };
  const update = () => {
    const out = fusedDdimUpdate(inputs, coefficientsFor('noise', 0.3, 0.5, 1), { clipRange: 1, rederiveNoise: false });
    tf.dispose([out?.sample ?? null, out?.denoised ?? null].filter((t): t is tf.Tensor => t !== null));
  };
  update();
  const { programs } = countGpuPrograms(update);
  tf.dispose(Object.values(inputs).filter((t): t is tf.Tensor => t !== null));
  return { backend: tf.getBackend(), programs };
}

/** Tensors made and read-backs done by the fused update and by a step. */
async function tensorsAndReads(backend: string) {
  await useBackend(backend);
  const shape = [3, 4, 5];
  const sample = resident(shape, 4);
  const prediction = resident(shape, 5);
  const noise = resident(shape, 6);
  const threshold = tf.tensor1d([1, 1.5, 2.5]);
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
  const fused = fusedDdimUpdate({ sample, prediction, noise, threshold }, coefficientsFor('noise', 0.3, 0.5, 1), { clipRange: 1, rederiveNoise: true });
  const madeByUpdate = tf.memory().numTensors - before;
  const out = scheduler.step(state, sample, prediction);
  const madeByUpdateAndStep = tf.memory().numTensors - before;
  delete impl.read;
  delete impl.readSync;
  tf.dispose([fused?.sample ?? null, fused?.denoised ?? null, out.sample, out.denoised].filter((t): t is tf.Tensor => t !== null));
  const leaked = tf.memory().numTensors - before;
  tf.dispose([sample, prediction, noise, threshold, timesteps]);
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
  return { fused: fused !== null, madeByUpdate, madeByUpdateAndStep, reads, leaked, spySeesReads: seen > 0 };
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

(window as unknown as { suite: object }).suite = { agreement, programsPerStep, updatePrograms, tensorsAndReads, bumblebeeLoops };
