/**
 * A Node process with WebGPU (Dawn, src/cli/node_webgpu.ts) that runs the parity checks for the
 * jest side (node_webgpu_driver.ts). Its own process because Dawn's package is an ES module that
 * jest's module system cannot load, and because Dawn keeps a process alive.
 *
 * `--probe`: prints one JSON line, the adapter found ({ route, adapter }) or why none ({ error }),
 * and exits. Otherwise: answers { id, name, args } messages on the IPC channel with
 * { id, value } or { id, error }.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler } from 'tfjs-diffusion-schedulers';
import { installNodeWebGpu, loadNodeWebGpuBackend } from '../../src/cli/node_webgpu';
import { activeBackendHasFusedKernel } from '../../src/kernels';
import { checkAgreement } from '../browser/helpers/kernels_cases';
import { countGpuPrograms } from '../browser/helpers/kernels_programs';
import { PARITY_FUNCTIONS } from './functions';

tf.env().set('IS_TEST', true);

async function useBackend(name: string): Promise<string> {
  if (name !== 'webgpu') throw new Error(`this process runs webgpu only, not ${name}`);
  const { route, adapter } = await loadNodeWebGpuBackend();
  if (!(await tf.setBackend('webgpu')) || tf.getBackend() !== 'webgpu') throw new Error('the webgpu backend did not start');
  await tf.ready();
  return `${route}: ${adapter}`;
}

/** The fused update against the op chain on every case of the Chromium kernel suite. */
async function kernelAgreement() {
  return { fused: activeBackendHasFusedKernel(), ...(await checkAgreement()) };
}

/** Dispatches of one DDIM step (eta = 1, noise given) on device-resident inputs, after a first step compiled its programs. */
async function stepPrograms(): Promise<number | null> {
  const shape = [2, 4, 16, 16];
  const scheduler = new DdimScheduler({ eta: 1 });
  const { state: first, timesteps } = scheduler.init(10, shape, { seed: 0 });
  let state = first;
  const [sample, prediction, noise] = [1, 2, 3].map((seed) => tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), 1)));
  // A state is used once: each step goes on from the state the previous one returned.
  const step = () => {
    const out = scheduler.step(state, sample, prediction, { noise });
    tf.dispose([out.sample, out.denoised]);
    state = out.state;
  };
  step();
  const { programs } = countGpuPrograms(step);
  await tf.tidy(() => tf.sum(sample)).data();
  tf.dispose([sample, prediction, noise, timesteps]);
  state.dispose();
  return programs;
}

const FUNCTIONS: Record<string, (...args: never[]) => unknown> = { useBackend, kernelAgreement, stepPrograms, ...PARITY_FUNCTIONS };

interface Request {
  id: number;
  name: string;
  args: unknown[];
}

async function answer({ id, name, args }: Request): Promise<void> {
  try {
    const f = FUNCTIONS[name];
    if (!f) throw new Error(`no function ${name} in the webgpu process`);
    process.send?.({ id, value: await (f as (...a: unknown[]) => unknown)(...args) });
  } catch (error) {
    process.send?.({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

async function probe(): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await installNodeWebGpu())}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  }
  process.exit(0); // Dawn's instance would keep the process alive
}

if (process.argv.includes('--probe')) {
  void probe();
} else {
  process.on('message', (request: Request) => void answer(request));
  process.on('disconnect', () => process.exit(0));
}
