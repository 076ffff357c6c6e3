/**
 * Trains the ring MLP (examples/node/ring_mlp.ts) as an eps-predictor with tfjs-layers on the
 * cpu backend, DDPM's objective (arXiv 2006.11239, Algorithm 1): x0 from the ring, t uniform,
 * x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps, loss |eps - model(x_t, t)|^2 (the exact denoiser
 * reaches about 0.20: at small t the noise hides inside the data's spread). Adam at 1e-2 for
 * the first 70% of the time, then 1e-3. Then samples 4000 points with 50 DDIM steps, prints
 * how many land within 0.2 of a mean, and writes the weights.
 *
 *   npx tsx examples/node/train_ring_mlp.ts [seconds=15] [out=out/ring_mlp.json]
 *
 * Fifteen seconds put about 80% of the samples near a mean here; the weights the tests load,
 * fixtures/ring_mlp.json, are 60 seconds' (88%): `... train_ring_mlp.ts 60 fixtures/ring_mlp.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DdimScheduler, RING_STD, ringMeans, sample } from '../../src';
import { ringQuality } from '../../src/denoisers/ring_quality';
import { buildRingMlp, modelInputs, ringMlpDenoiser, weightsToJson } from './ring_mlp';

const BATCH = 1024;

/** One training batch: the model's inputs for (x_t, t) and the targets eps. */
function trainingBatch(alphaBars: tf.Tensor1D, means: tf.Tensor2D): { inputs: tf.Tensor; targets: tf.Tensor } {
  return tf.tidy(() => {
    const components = tf.randomUniformInt([BATCH], 0, means.shape[0]);
    const x0 = tf.add(tf.gather(means, components), tf.randomNormal([BATCH, 2], 0, RING_STD));
    const timesteps = tf.randomUniformInt([BATCH], 0, alphaBars.shape[0]);
    const alphaBar = tf.reshape(tf.gather(alphaBars, timesteps), [-1, 1]);
    const noise = tf.randomNormal([BATCH, 2]);
    const noisy = tf.add(tf.mul(tf.sqrt(alphaBar), x0), tf.mul(tf.sqrt(tf.sub(1, alphaBar)), noise));
    return { inputs: modelInputs(noisy, timesteps, alphaBars), targets: noise };
  });
}

async function main() {
  const seconds = Number(process.argv[2] ?? 15);
  const out = process.argv[3] ?? 'out/ring_mlp.json';
  tf.env().set('IS_TEST', true); // no tfjs-node banner
  await tf.setBackend('cpu');

  const scheduler = new DdimScheduler({ clipDenoisedSample: false });
  const alphaBars = tf.tensor1d(scheduler.alphaBars);
  const means = tf.tensor2d(ringMeans());
  const model = buildRingMlp();
  const started = performance.now();
  let batches = 0;
  let recentLoss = 0;
  for (const [learningRate, share] of [[1e-2, 0.7], [1e-3, 1]]) {
    model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' }); // keeps the weights
    while (performance.now() - started < share * seconds * 1000) {
      const { inputs, targets } = trainingBatch(alphaBars, means);
      const loss = (await model.trainOnBatch(inputs, targets)) as number;
      tf.dispose([inputs, targets]);
      recentLoss = batches === 0 ? loss : 0.95 * recentLoss + 0.05 * loss;
      if (++batches % 100 === 0) console.log(`batch ${batches}: loss ${recentLoss.toFixed(4)} (learning rate ${learningRate})`);
    }
  }
  console.log(`trained ${batches} batches of ${BATCH} in ${seconds} s; loss ${recentLoss.toFixed(4)}`);

  const samples = await sample(scheduler, ringMlpDenoiser(model, scheduler), { numSteps: 50, shape: [4000, 2], seed: 0 });
  const quality = ringQuality(await samples.data());
  const perMean = quality.sharePerMean.map((share) => (100 * share).toFixed(1)).join(', ');
  console.log(`50 DDIM steps, 4000 samples: ${(100 * quality.shareNearMean).toFixed(1)}% within 0.2 of a mean; per mean ${perMean}%`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(weightsToJson(model))}\n`);
  console.log(`wrote ${out}`);
  tf.dispose([samples, alphaBars, means]);
  model.dispose();
}

main();
