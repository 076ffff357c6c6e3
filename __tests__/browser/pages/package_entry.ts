/**
 * A page that imports the package as a browser app does ('tfjs-diffusion-schedulers' is the
 * sources or the built dist/index.mjs, as the spec serves it) and runs a short sampling loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as pkg from 'tfjs-diffusion-schedulers';

function publicNames(): string[] {
  return Object.keys(pkg).sort();
}

/** Five DDIM steps on the glyphs from seed 0: the result's shape and whether it is finite. */
async function sampleGlyphs(): Promise<{ shape: number[]; finite: boolean; leaked: number }> {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const scheduler = new pkg.DdimScheduler();
  const result = await pkg.sample(scheduler, pkg.glyphsDenoiser(scheduler), { numSteps: 5, shape: [2, ...pkg.GLYPH_SHAPE], seed: 0 });
  const values = await result.data();
  const shape = result.shape;
  result.dispose();
  return { shape, finite: values.every(Number.isFinite), leaked: tf.memory().numTensors - before };
}

(window as unknown as { suite: object }).suite = { publicNames, sampleGlyphs };
