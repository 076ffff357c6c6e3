/**
 * The web example: samples glyphs with the scheduler, step count, noise generator and seed the
 * page's controls pick, on the first backend that starts (WebGL, WebGPU, wasm, cpu); draws every
 * step's denoised preview, shows the backend and the time per step, and stops on the Stop button
 * through an AbortSignal. `?backend=wasm` picks a backend. The schedulers are the package's
 * registry: every one that samples is a choice.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GLYPH_SHAPE, glyphsDenoiser, random, sample, type ScheduleSource } from 'tfjs-diffusion-schedulers';
import { SCHEDULERS } from '../../src/schedulers/registry';
import { startBackend } from './backend';
import { drawGrid } from './preview';

const BATCH = 16;
const SAMPLING = SCHEDULERS.filter((entry) => entry.purpose === 'sampling');

/** The last finished run, for the console and the page's test: the scheduler and the samples' values. */
declare global {
  interface Window {
    exampleRun?: { scheduler: string; steps: number; generator: string; seed: number; values: number[] };
  }
}

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const controls = element<HTMLFormElement>('controls');
const schedulerSelect = element<HTMLSelectElement>('scheduler');
const stepsInput = element<HTMLInputElement>('steps');
const generatorSelect = element<HTMLSelectElement>('generator');
const seedInput = element<HTMLInputElement>('seed');
const sampleButton = element<HTMLButtonElement>('sample');
const stopButton = element<HTMLButtonElement>('stop');
const suits = element<HTMLParagraphElement>('suits');
const canvas = element<HTMLCanvasElement>('preview');
const status = element<HTMLParagraphElement>('status');

let backend = '';
let controller: AbortController | null = null;

for (const entry of SAMPLING) schedulerSelect.add(new Option(`${entry.name} (${entry.diffusersClass})`, entry.name));

/** A scheduler picked: its own step count, and what it suits. */
function pickScheduler(): void {
  const entry = SAMPLING.find((candidate) => candidate.name === schedulerSelect.value)!;
  stepsInput.value = String(entry.defaultSteps);
  suits.textContent = `${entry.name} suits ${entry.suits}.`;
}
schedulerSelect.addEventListener('change', pickScheduler);
pickScheduler();

/** The status line; its data attributes let a test follow the run. */
function report(state: string, text: string, data: Record<string, number | string> = {}): void {
  status.dataset.state = state;
  for (const [key, value] of Object.entries(data)) status.dataset[key] = String(value);
  status.textContent = `${backend || 'no backend'} · ${text}`;
}

async function run(): Promise<void> {
  const entry = SAMPLING.find((candidate) => candidate.name === schedulerSelect.value)!;
  const numSteps = Number(stepsInput.value);
  const seed = Number(seedInput.value);
  const generator = generatorSelect.value;
  controller = new AbortController();
  const signal = controller.signal;
  sampleButton.disabled = true;
  stopButton.disabled = false;
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  const perStep = (done: number) => ((performance.now() - started) / done).toFixed(1);
  /** The preview being drawn: a Stop does not wait for it, but its tensor is released when it ends. */
  let drawing: Promise<void> = Promise.resolve();
  report('running', `${entry.name} · step 0 of ${numSteps}`, { step: 0, tensorsBefore, scheduler: entry.name });
  try {
    const scheduler = entry.create();
    // The exact denoiser reads the schedule it needs of the scheduler (and checks it).
    const result = await sample(scheduler, glyphsDenoiser(scheduler as unknown as ScheduleSource), {
      numSteps,
      shape: [BATCH, ...GLYPH_SHAPE],
      ...(generator === 'torch' ? { generator: random.torchGenerator(seed) } : { seed }),
      signal,
      onStep: async ({ index, timestep, denoised }) => {
        drawing = drawGrid(denoised, canvas);
        await drawing;
        // sample() rejects as soon as Stop aborts, without waiting for this call: do not report over it.
        if (signal.aborted) return;
        report('running', `${entry.name} · step ${index + 1} (t = ${Number(timestep.toFixed(3))}) · ${perStep(index + 1)} ms per step`, { step: index + 1 });
      },
    });
    await drawGrid(result, canvas);
    const values = Array.from(await result.data());
    result.dispose();
    window.exampleRun = { scheduler: entry.name, steps: numSteps, generator, seed, values };
    report('done', `${entry.name} · ${numSteps} steps · ${perStep(numSteps)} ms per step (preview included)`, { tensorsAfter: tf.memory().numTensors });
  } catch (error) {
    const stopped = error instanceof Error && error.name === 'AbortError';
    await drawing.catch(() => undefined);
    report(stopped ? 'stopped' : 'error', stopped ? `stopped at step ${status.dataset.step} of ${numSteps}` : `failed: ${String(error)}`, { tensorsAfter: tf.memory().numTensors });
    if (!stopped) throw error;
  } finally {
    controller = null;
    sampleButton.disabled = false;
    stopButton.disabled = true;
  }
}

controls.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
stopButton.addEventListener('click', () => controller?.abort());

startBackend(new URLSearchParams(location.search).get('backend'))
  .then((name) => {
    backend = name;
    return run();
  })
  .catch((error) => report('error', `failed: ${String(error)}`));
