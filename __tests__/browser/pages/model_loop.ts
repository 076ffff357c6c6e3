/**
 * A page that runs every scheduler of the registry between the calls of a real model (a
 * tfjs-layers conv2d / depthwiseConv2d stack) and names the GPU programs of each part.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SCHEDULERS } from '../../../src/schedulers/registry';
import { layerStack } from '../../helpers/layer_stack';
import { recordGpuPrograms } from '../helpers/kernels_programs';
import { useBackend } from './backends';

/** The programs of one model call and the step after it. */
export interface StepPrograms {
  /** scheduler.step. */
  readonly step: string[];
  /** scaleModelInput and the model on the sample the previous step returned. */
  readonly model: string[];
  /** scaleModelInput and the model on the model's own previous output: what they run on a tensor in the model's layout. */
  readonly modelOnItsOwn: string[];
}

export interface SchedulerPrograms {
  readonly scheduler: string;
  readonly steps: StepPrograms[];
}

/**
 * One run of `numSteps` of `name` around the model, recording every step: the start sample and
 * the noise are model outputs (in the layout the model writes), the noise given to every step
 * (a step that draws on the host adds its upload, one more program on webgl).
 */
function runAroundModel(name: string, model: ReturnType<typeof layerStack>, shape: number[], numSteps: number): StepPrograms[] {
  const scheduler = SCHEDULERS.find((entry) => entry.name === name)!.create();
  const [start, noise] = [1, 2].map((seed) => tf.tidy(() => model.call(tf.randomNormal(shape, 0, 1, 'float32', seed))));
  const { state: first, timesteps } = scheduler.init(numSteps, shape, { seed: 0 });
  timesteps.dispose();
  let state = first;
  let sample = start;
  let reference = tf.clone(start);
  const steps: StepPrograms[] = [];
  while (state.timestep !== undefined) {
    const current = state;
    const own = recordGpuPrograms(() => tf.tidy(() => model.call(scheduler.scaleModelInput(current, reference))));
    own.result.dispose();
    const called = recordGpuPrograms(() => tf.tidy(() => model.call(scheduler.scaleModelInput(current, sample))));
    const stepped = recordGpuPrograms(() => scheduler.step(current, sample, called.result, { noise }));
    steps.push({ step: stepped.programs ?? [], model: called.programs ?? [], modelOnItsOwn: own.programs ?? [] });
    tf.dispose([sample, reference, stepped.result.denoised]);
    reference = called.result;
    sample = stepped.result.sample;
    state = stepped.result.state;
  }
  tf.dispose([sample, reference, noise]);
  state.dispose();
  return steps;
}

/**
 * Every scheduler of the registry (default options) around a 2-layer depthwise stack on
 * `backend`, started with `flags` (the page must be fresh for the packing flags to apply).
 * Each run is taken twice, the first to compile every program.
 */
async function programsAroundModel(backend: string, flags: Record<string, boolean>, shape: number[], numSteps: number) {
  await useBackend(backend, flags);
  const model = layerStack(shape[3], 2);
  tf.dispose(tf.tidy(() => model.call(tf.zeros(shape)))); // builds the layers' weights
  const before = tf.memory().numTensors;
  const schedulers: SchedulerPrograms[] = [];
  for (const { name } of SCHEDULERS) {
    runAroundModel(name, model, shape, numSteps);
    schedulers.push({ scheduler: name, steps: runAroundModel(name, model, shape, numSteps) });
  }
  // Waits for the queued GPU work, so that the page is idle when the test moves on.
  const last = tf.tidy(() => tf.sum(model.call(tf.zeros(shape))));
  await last.data();
  last.dispose();
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { backend: tf.getBackend(), schedulers, leaked };
}

(window as unknown as { suite: object }).suite = { programsAroundModel };
