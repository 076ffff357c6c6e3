/**
 * Around a model, on the active backend and per latent shape: a sampling loop of model call and
 * DDIM update (default options: eta 0, x0 clipped; runs of MODEL_RUN_STEPS steps), the update
 * made four ways:
 *
 * - step: our `scheduler.step` (the fused kernel where the backend has one);
 * - chain: the same step with the fused kernels off (the plain chain of tfjs ops);
 * - readBack: what JavaScript diffusion pipelines do today, the scheduler on the host: await
 *   `data()` of the sample and of the prediction, a JS loop, `tf.tensor` of the result;
 * - readBackHost: the same keeping the latents on the host: upload them for the model, await
 *   `data()` of the prediction only, the JS loop.
 *
 * Each with two models: a one-op stand-in (x * 0.5), which leaves the update's own cost in a
 * loop (ms per step), and a stack of tfjs-layers depthwise convolutions
 * (__tests__/helpers/layer_stack.ts) calibrated to about MODEL_MS per call, around which the overhead per step of each update is
 * the loop's time minus the model's alone, taken within each round. Runs in Node and in the
 * Chromium page alike (tfjs only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { countGpuPrograms, recordGpuPrograms } from '../__tests__/browser/helpers/kernels_programs';
import { layerStack } from '../__tests__/helpers/layer_stack';
import { DdimScheduler } from '../src';
import { fusedKernels } from '../src/kernels';
import type { DdimStepCoefficients } from '../src/schedulers/ddim/coefficients';
import { MODEL_MS, MODEL_RUN_STEPS } from './config';
import { chainedBatch, ddimRunCoefficients, Stepper, sync } from './step_setup';
import { withSwitchedOff } from './switches';
import { differences, halfInterquartileRange, median, timeRounds, type Timed, type TimingBudget } from './timing';

export const UPDATES = ['step', 'chain', 'readBack', 'readBackHost'] as const;
export type Update = (typeof UPDATES)[number];

export interface ModelLoopFigures {
  readonly backend: string;
  readonly shape: number[];
  /** With the one-op stand-in: microseconds per loop iteration (model and update), median over rounds. */
  readonly oneOpUs: Record<Update, number>;
  /** The layer stack: its depthwise layers, and microseconds per call alone (median over rounds). */
  readonly modelLayers: number;
  readonly modelUs: number;
  /** Microseconds per step each update adds around the layer stack: the median over rounds of (loop - model alone). */
  readonly overheadUs: Record<Update, number>;
  /** How far those differences move from round to round (half their interquartile range). */
  readonly overheadSpreadUs: Record<Update, number>;
  /** GPU programs of our step between two layer stack calls, and the programs it adds to the next call (0: none); null off the GPU. */
  readonly stepPrograms: number | null;
  readonly addedPrograms: number | null;
}

type Model = (x: tf.Tensor) => tf.Tensor;

/**
 * The JavaScript scheduler of the read-back pattern: DDIM eta 0 with x0 clipped to [-1, 1], its
 * coefficients from our host mathematics, one loop writing a new array per step.
 */
class HostDdim {
  private readonly coefficients: DdimStepCoefficients[];
  private index = 0;

  constructor(scheduler: DdimScheduler) {
    this.coefficients = ddimRunCoefficients(scheduler, MODEL_RUN_STEPS);
  }

  update(x: Float32Array, p: Float32Array): Float32Array {
    const { denoisedFromSample, denoisedFromPrediction, prevFromDenoised, prevFromNoise } = this.coefficients[this.index];
    this.index = (this.index + 1) % MODEL_RUN_STEPS;
    const next = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const x0 = Math.min(Math.max(denoisedFromSample * x[i] + denoisedFromPrediction * p[i], -1), 1);
      next[i] = prevFromDenoised * x0 + prevFromNoise * p[i];
    }
    return next;
  }
}

/** A batch of `calls` calls of `model` on `x`, each output dropped but the last, which is synced. */
function modelCalls(model: Model, x: tf.Tensor): Timed {
  return async (calls) => {
    let y: tf.Tensor | null = null;
    for (let i = 0; i < calls; i++) {
      y?.dispose();
      y = model(x);
    }
    await sync(y!);
    y!.dispose();
  };
}

/** The loops of one model: each update, and the model alone on the same input (`modelOnly`). */
function loops(model: Model, start: tf.Tensor, startValues: Float32Array): { variants: Record<Update | 'modelOnly', Timed>; dispose(): void } {
  const scheduler = new DdimScheduler();
  const stepper = new Stepper(scheduler, start.shape, MODEL_RUN_STEPS);
  const host = new HostDdim(scheduler);
  const onDevice = (update: (x: tf.Tensor, p: tf.Tensor) => tf.Tensor) =>
    chainedBatch(start, (x) => {
      const p = model(x);
      const next = update(x, p);
      p.dispose();
      return next;
    });
  const variants: Record<Update | 'modelOnly', Timed> = {
    step: onDevice((x, p) => stepper.step(x, p)),
    chain: onDevice((x, p) => withSwitchedOff(fusedKernels, () => stepper.step(x, p))),
    readBack: async (repetitions) => {
      let x = tf.clone(start);
      for (let i = 0; i < repetitions; i++) {
        const p = model(x);
        const [xs, ps] = (await Promise.all([x.data(), p.data()])) as Float32Array[];
        tf.dispose([x, p]);
        x = tf.tensor(host.update(xs, ps), start.shape, 'float32');
      }
      x.dispose();
    },
    readBackHost: async (repetitions) => {
      let xs = startValues;
      for (let i = 0; i < repetitions; i++) {
        const x = tf.tensor(xs, start.shape, 'float32');
        const p = model(x);
        const ps = (await p.data()) as Float32Array;
        tf.dispose([x, p]);
        xs = host.update(xs, ps);
      }
    },
    modelOnly: modelCalls(model, start),
  };
  return { variants, dispose: () => stepper.dispose() };
}

/** Milliseconds per call of `model` on `x`: the median of 3 batches of at least 100 ms (after one untimed call). */
async function msPerCall(model: Model, x: tf.Tensor): Promise<number> {
  const batch = modelCalls(model, x);
  const run = async (calls: number) => {
    const start = performance.now();
    await batch(calls);
    return performance.now() - start;
  };
  await run(1);
  let calls = 1;
  while (calls < 4096 && (await run(calls)) < 100) calls *= 2;
  return median([await run(calls), await run(calls), await run(calls)]) / calls;
}

/**
 * A depthwise layer stack of about `targetMs` per call on the active backend at `shape`: its
 * depth from the times of 4 and 16 layers, then corrected (at most twice) in proportion to its
 * own time while that is more than 15% off.
 */
async function calibratedStack(shape: number[], targetMs: number) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 11);
  const timeOf = async (layers: number) => {
    const stack = layerStack(shape[3], layers, { convolutions: false });
    const ms = await msPerCall(stack.call, x);
    stack.dispose();
    return ms;
  };
  const [few, many] = [await timeOf(4), await timeOf(16)];
  const perLayer = Math.max((many - few) / 12, 1e-3);
  const depthFor = (layers: number) => Math.min(2000, Math.max(1, Math.round(layers)));
  let layers = depthFor(4 + (targetMs - few) / perLayer);
  for (let correction = 0; correction < 2; correction++) {
    const ms = await timeOf(layers);
    if (Math.abs(ms / targetMs - 1) <= 0.15) break;
    layers = depthFor((layers * targetMs) / ms);
  }
  x.dispose();
  return layerStack(shape[3], layers, { convolutions: false });
}

/** The loops of `model`, timed in interleaved rounds from a start sample in the model's own layout. */
async function timeLoops(model: Model, shape: number[], budget: TimingBudget) {
  const start = tf.tidy(() => model(tf.randomNormal(shape, 0, 1, 'float32', 12)));
  const startValues = (await start.data()) as Float32Array;
  const { variants, dispose } = loops(model, start, startValues);
  const rounds = await timeRounds(variants, budget);
  dispose();
  start.dispose();
  return rounds;
}

/** Our step between two calls of `model`: its programs, and how many more the next call runs than on the model's own output. */
function programsAround(model: Model, shape: number[]) {
  const stepper = new Stepper(new DdimScheduler(), shape, MODEL_RUN_STEPS);
  const [x, p] = tf.tidy(() => {
    const own = model(tf.randomNormal(shape, 0, 1, 'float32', 13));
    return [own, model(own)];
  });
  const compiled = stepper.step(x, p); // compiles every program once
  tf.dispose([compiled, model(compiled), model(p)]);
  const stepped = recordGpuPrograms(() => stepper.step(x, p));
  const after = countGpuPrograms(() => model(stepped.result));
  const own = countGpuPrograms(() => model(p));
  tf.dispose([x, p, stepped.result, after.result, own.result]);
  stepper.dispose();
  if (stepped.programs === null) return { stepPrograms: null, addedPrograms: null };
  return { stepPrograms: stepped.programs.length, addedPrograms: after.programs! - own.programs! };
}

/** A figure per update. */
function perUpdate<T>(figure: (update: Update) => T): Record<Update, T> {
  return Object.fromEntries(UPDATES.map((update) => [update, figure(update)])) as Record<Update, T>;
}

/** Every update around both models, per shape, on the active backend. */
export async function benchModelLoops(shapes: number[][], oneOpBudget: TimingBudget, modelBudget: TimingBudget): Promise<ModelLoopFigures[]> {
  const figures: ModelLoopFigures[] = [];
  for (const shape of shapes) {
    const oneOp = await timeLoops((x) => tf.mul(x, 0.5), shape, oneOpBudget);
    const stack = await calibratedStack(shape, MODEL_MS);
    const rounds = await timeLoops(stack.call, shape, modelBudget);
    const added = perUpdate((update) => differences(rounds[update], rounds.modelOnly));
    figures.push({
      backend: tf.getBackend(),
      shape,
      oneOpUs: perUpdate((update) => median(oneOp[update])),
      modelLayers: stack.depthwiseLayers,
      modelUs: median(rounds.modelOnly),
      overheadUs: perUpdate((update) => median(added[update])),
      overheadSpreadUs: perUpdate((update) => halfInterquartileRange(added[update])),
      ...programsAround(stack.call, shape),
    });
    stack.dispose();
  }
  return figures;
}
