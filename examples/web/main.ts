/**
 * The web example: samples glyphs with DDIM on the first backend that starts (WebGL, WebGPU,
 * wasm, cpu), draws every step's denoised preview, shows the backend and the time per step,
 * and stops on the Stop button through an AbortSignal. `?backend=wasm` picks a backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, GLYPH_SHAPE, glyphsDenoiser, sample } from 'tfjs-diffusion-schedulers';
import { startBackend } from './backend';
import { drawGrid } from './preview';

const BATCH = 16;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const controls = element<HTMLFormElement>('controls');
const stepsInput = element<HTMLInputElement>('steps');
const seedInput = element<HTMLInputElement>('seed');
const sampleButton = element<HTMLButtonElement>('sample');
const stopButton = element<HTMLButtonElement>('stop');
const canvas = element<HTMLCanvasElement>('preview');
const status = element<HTMLParagraphElement>('status');

let backend = '';
let controller: AbortController | null = null;

/** The status line; its data attributes let a test follow the run. */
function report(state: string, text: string, data: Record<string, number> = {}): void {
  status.dataset.state = state;
  for (const [key, value] of Object.entries(data)) status.dataset[key] = String(value);
  status.textContent = `${backend || 'no backend'} · ${text}`;
}

async function run(): Promise<void> {
  const numSteps = Number(stepsInput.value);
  const seed = Number(seedInput.value);
  controller = new AbortController();
  const { signal } = controller;
  // The preview being drawn: Stop rejects sample() at once, and the run waits for the drawing
  // (which holds a tensor of its own) before it counts the tensors left.
  let drawing: Promise<void> = Promise.resolve();
  sampleButton.disabled = true;
  stopButton.disabled = false;
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  const scheduler = new DdimScheduler();
  const perStep = (done: number) => ((performance.now() - started) / done).toFixed(1);
  report('running', `step 0 of ${numSteps}`, { step: 0, tensorsBefore });
  try {
    const result = await sample(scheduler, glyphsDenoiser(scheduler), {
      numSteps,
      shape: [BATCH, ...GLYPH_SHAPE],
      seed,
      signal,
      onStep: async ({ index, timestep, denoised }) => {
        drawing = drawGrid(denoised, canvas);
        await drawing;
        // Stop rejects sample() at once, while this call may still be drawing: report no more.
        if (signal.aborted) return;
        report('running', `step ${index + 1} of ${numSteps} (t = ${timestep}) · ${perStep(index + 1)} ms per step`, { step: index + 1 });
      },
    });
    await drawGrid(result, canvas);
    result.dispose();
    report('done', `${numSteps} steps · ${perStep(numSteps)} ms per step (preview included)`, { tensorsAfter: tf.memory().numTensors });
  } catch (error) {
    const stopped = error instanceof Error && error.name === 'AbortError';
    await drawing.catch(() => {});
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
