/**
 * A complete loop by hand (the README's "The loop by hand" shows the same loop with Euler), with a denoiser that is
 * exact for Gaussian data: if x0 ~ N(mean, std^2), then x_t = sqrt(a) x0 + sqrt(1 - a) eps is
 * Gaussian too and the best noise prediction is
 * E[eps | x_t] = sqrt(1 - a) (x_t - sqrt(a) mean) / (a std^2 + 1 - a). Fifty DDIM steps from
 * pure noise land close to that mean and standard deviation (slightly narrower: DDIM's last
 * step returns the posterior mean E[x0 | x_t], whose spread is below the data's). The denoiser
 * has sample()'s signature, and the loop reads the host timesteps from the state.
 *
 *   npx tsx examples/node/gaussian_loop.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DdimScheduler, random, type Denoiser } from '../../src';

const mean = 0.5;
const std = 0.3;

async function main() {
  tf.env().set('IS_TEST', true); // no tfjs-node banner
  await tf.setBackend('cpu');
  const scheduler = new DdimScheduler({ clipDenoisedSample: false });
  const denoiser: Denoiser = (x, _timestep, { timestep }) => {
    const a = scheduler.alphaBars[timestep];
    return tf.tidy(() => tf.mul(tf.sub(x, Math.sqrt(a) * mean), Math.sqrt(1 - a) / (a * std * std + 1 - a)));
  };

  const shape = [10000];
  const start = random.normal(random.key(0), shape);
  const run = scheduler.init(50, shape, { key: start.key });
  run.timesteps.dispose(); // the state holds them too
  let state = run.state;
  let x = start.sample;
  for (let index = 0; state.timestep !== undefined; index++) {
    const timestep = state.timestep;
    const t = tf.scalar(timestep, 'int32');
    const input = scheduler.scaleModelInput(state, x);
    const prediction = await denoiser(input, t, { index, timestep });
    const out = scheduler.step(state, x, prediction);
    tf.dispose([x, t, input, prediction, out.denoised]);
    ({ state, sample: x } = out);
  }
  state.dispose();
  const moments = tf.moments(x);
  const [sampleMean, sampleStd] = [moments.mean.dataSync()[0], Math.sqrt(moments.variance.dataSync()[0])];
  console.log(`DDIM, 50 steps, 10000 samples of N(${mean}, ${std}^2): mean ${sampleMean.toFixed(4)}, std ${sampleStd.toFixed(4)}`);
  tf.dispose([x, moments.mean, moments.variance]);
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main();
