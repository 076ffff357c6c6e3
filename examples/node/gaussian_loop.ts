/**
 * A complete DDIM loop with a denoiser that is exact for Gaussian data: if x0 ~ N(mean, std^2),
 * then x_t = sqrt(a) x0 + sqrt(1 - a) eps is Gaussian too and the best noise prediction is
 * E[eps | x_t] = sqrt(1 - a) (x_t - sqrt(a) mean) / (a std^2 + 1 - a). Fifty DDIM steps from
 * pure noise land close to that mean and standard deviation (slightly narrower: DDIM's last
 * step returns the posterior mean E[x0 | x_t], whose spread is below the data's).
 *
 *   npx tsx examples/node/gaussian_loop.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DdimScheduler } from '../../src';

const mean = 0.5;
const std = 0.3;

async function main() {
  tf.env().set('IS_TEST', true); // no tfjs-node banner
  await tf.setBackend('cpu');
  const scheduler = new DdimScheduler({ clipDenoisedSample: false });
  const alphaBars = scheduler.alphaBars;
  const denoiser = (x: tf.Tensor, t: number) =>
    tf.tidy(() => {
      const a = alphaBars[t];
      return tf.mul(tf.sub(x, Math.sqrt(a) * mean), Math.sqrt(1 - a) / (a * std * std + 1 - a));
    });

  const { state: first, timesteps } = scheduler.init(50, [10000], { seed: 0 });
  let state = first;
  let x = tf.randomNormal([10000], 0, 1, 'float32', 42);
  for (const t of timesteps.dataSync()) {
    const eps = denoiser(x, t);
    const out = scheduler.step(state, x, eps);
    tf.dispose([x, eps, out.denoised]);
    ({ state, sample: x } = out);
  }
  const moments = tf.moments(x);
  const [sampleMean, sampleStd] = [moments.mean.dataSync()[0], Math.sqrt(moments.variance.dataSync()[0])];
  console.log(`DDIM, 50 steps, 10000 samples of N(${mean}, ${std}^2): mean ${sampleMean.toFixed(4)}, std ${sampleStd.toFixed(4)}`);
  tf.dispose([x, timesteps, moments.mean, moments.variance]);
  state.dispose();
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main();
