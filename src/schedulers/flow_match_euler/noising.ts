import * as tf from '@tensorflow/tfjs-core';
import { itemBroadcastShape, nanOutside, type ItemTimesteps } from '../noising';
import { checkNoisingInputs } from '../noising_inputs';

/**
 * The rectified-flow forward process (diffusers' `scale_noise`) at one model timestep per item
 * of the first axis: sigma * noise + (1 - sigma) * original, in torch's float32 order, with
 * sigma = timestep / numTrainSteps in float32 (a model timestep is float32(sigma) *
 * numTrainSteps, so this is the run's own sigma, as diffusers looks it up in its schedule;
 * where two float32 sigmas share one float32 timestep, about one timestep in 40, it may be
 * the neighbouring float32, 6e-8 apart). Timesteps are host numbers in [0, numTrainSteps], or
 * a float32 or int32 tensor that stays on the device, where a value out of range gives NaN for
 * its item. One `tf.tidy`, no read-back; the result is the caller's.
 */
export function scaleNoise(numTrainSteps: number, original: tf.Tensor, noise: tf.Tensor, timesteps: ItemTimesteps): tf.Tensor {
  checkNoisingInputs('original', original, noise, timesteps, {
    dtypes: ['float32', 'int32'],
    each: `a number in [0, ${numTrainSteps}]`,
    all: `numbers in [0, ${numTrainSteps}]`,
    accepts: (t) => t >= 0 && t <= numTrainSteps,
  });
  const broadcastShape = itemBroadcastShape(original.shape);
  return tf.tidy(() => {
    let sigma: tf.Tensor;
    if (timesteps instanceof tf.Tensor) {
      const values = tf.cast(timesteps, 'float32');
      sigma = tf.reshape(nanOutside(values, numTrainSteps, tf.div(values, numTrainSteps)), broadcastShape);
    } else {
      sigma = tf.tensor(Float32Array.from(timesteps, (t) => t / numTrainSteps), broadcastShape);
    }
    return tf.add(tf.mul(noise, sigma), tf.mul(original, tf.sub(1, sigma)));
  });
}
