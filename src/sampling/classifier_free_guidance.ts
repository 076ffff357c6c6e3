import * as tf from '@tensorflow/tfjs-core';
import { checkNumberIn, show } from '../errors';
import type { Denoiser } from './denoiser';

/**
 * Classifier-free guidance (Ho & Salimans, arXiv 2207.12598, eq. 6): a denoiser that runs
 * `model` once on the batch doubled, `[sample; sample]` along axis 0, and returns
 * `uncond + scale * (cond - uncond)`, where `uncond` is the first half of the model's output
 * and `cond` the second.
 *
 * The conditioning is the caller's: `model` receives the doubled batch of 2B items and must
 * pair items 0..B-1 with the unconditional embedding and B..2B-1 with the conditional one,
 * as Stable Diffusion pipelines do with `concat([uncondEmbeddings, textEmbeddings])`. Scale
 * 1 gives the conditional prediction, 0 the unconditional one. The doubled batch and the
 * model's output are disposed after the call; the guided prediction is the loop's.
 *
 * @example
 * ```ts
 * // Stable Diffusion: uncond and text embeddings stacked once, batch 1 doubled to 2.
 * const embeddings = tf.concat([uncondEmbeddings, textEmbeddings]); // [2, 77, 768]
 * const unet: Denoiser = async (latents, timestep) =>
 *   (await unetModel.executeAsync({ sample: latents, timestep, encoder_hidden_states: embeddings })) as tf.Tensor;
 * const scheduler = new DdimScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012,
 *   alphaClipStrategy: 'alpha_zero', timestepsOffset: 1, clipDenoisedSample: false });
 * const latents = await sample(scheduler, classifierFreeGuidance(unet, 7.5), { numSteps: 50, shape: [1, 64, 64, 4], seed: 0 });
 * embeddings.dispose();
 * ```
 */
export function classifierFreeGuidance(model: Denoiser, scale: number): Denoiser {
  if (typeof model !== 'function') throw new TypeError(`model must be a denoiser function (sample, timestep, info) => tf.Tensor, got ${show(model)}`);
  checkNumberIn('scale', scale, {});
  return async (sample, timestep, info) => {
    if (sample.rank === 0) throw new RangeError('classifierFreeGuidance needs a batch axis: the sample must have rank >= 1, got a scalar');
    const batch = sample.shape[0];
    const doubled = tf.concat([sample, sample], 0);
    let output: unknown;
    try {
      output = await model(doubled, timestep, info);
      if (!(output instanceof tf.Tensor)) throw new TypeError(`the guided model must return a tf.Tensor, got ${show(output)}`);
      if (output.isDisposed) throw new TypeError('the guided model returned a disposed tensor: it must return a new tensor (or the batch it was given)');
      const expected = [2 * batch, ...sample.shape.slice(1)];
      if (!tf.util.arraysEqual(output.shape, expected)) {
        throw new RangeError(`the guided model returned shape ${show(output.shape)}; on the doubled batch it must return ${show(expected)}`);
      }
      const prediction = output;
      return tf.tidy(() => {
        const size = prediction.shape.slice(1);
        const uncond = tf.slice(prediction, [0], [batch, ...size]);
        const cond = tf.slice(prediction, [batch], [batch, ...size]);
        return tf.add(uncond, tf.mul(tf.sub(cond, uncond), scale));
      });
    } finally {
      // The output may be the doubled batch itself (a model that returns its input): dispose
      // each once, after the guided prediction is made; never the caller's sample or timestep.
      doubled.dispose();
      if (output instanceof tf.Tensor && output !== doubled && output !== sample && output !== timestep) output.dispose();
    }
  };
}
