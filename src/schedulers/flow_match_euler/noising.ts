import * as tf from '@tensorflow/tfjs-core';
import { show } from '../../errors';
import { checkFloatTensor, checkSampleTensor } from '../check_step';
import type { ItemTimesteps } from '../noising';

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
  checkFloatTensor('original', original);
  if (original.rank === 0) throw new RangeError('original must have a first (batch) axis, got a scalar');
  checkSampleTensor('noise', noise, original.shape, 'the shape of original');
  const batch = original.shape[0];
  const broadcastShape = [batch, ...original.shape.slice(1).map(() => 1)];
  if (timesteps instanceof tf.Tensor) {
    if (timesteps.isDisposed) throw new TypeError('timesteps was disposed before the call');
    if ((timesteps.dtype !== 'float32' && timesteps.dtype !== 'int32') || timesteps.rank !== 1 || timesteps.shape[0] !== batch) {
      throw new TypeError(`timesteps must be a float32 or int32 tf.Tensor1D of ${batch} values (one per item of original's first axis), got a ${timesteps.dtype} tensor of shape ${show(timesteps.shape)}`);
    }
  } else {
    checkHostTimesteps(numTrainSteps, timesteps, batch);
  }
  return tf.tidy(() => {
    let sigma: tf.Tensor;
    if (timesteps instanceof tf.Tensor) {
      const values = tf.cast(timesteps, 'float32');
      const inRange = tf.logicalAnd(tf.greaterEqual(values, 0), tf.lessEqual(values, numTrainSteps));
      sigma = tf.reshape(tf.where(inRange, tf.div(values, numTrainSteps), tf.fill([batch], NaN)), broadcastShape);
    } else {
      sigma = tf.tensor(Float32Array.from(timesteps, (t) => t / numTrainSteps), broadcastShape);
    }
    return tf.add(tf.mul(noise, sigma), tf.mul(original, tf.sub(1, sigma)));
  });
}

function checkHostTimesteps(numTrainSteps: number, timesteps: unknown, batch: number): asserts timesteps is readonly number[] {
  const allowed = `an array of ${batch} numbers in [0, ${numTrainSteps}] or a tf.Tensor1D`;
  if (!Array.isArray(timesteps)) throw new TypeError(`timesteps must be ${allowed}, got ${show(timesteps)}`);
  for (let i = 0; i < timesteps.length; i++) {
    if (!(i in timesteps)) throw new TypeError(`timesteps has a hole at index ${i} (a sparse array); it must be ${allowed}`);
  }
  if (timesteps.length !== batch) throw new RangeError(`timesteps must hold one timestep per item of original's first axis (${batch}), got ${timesteps.length}`);
  timesteps.forEach((t, i) => {
    if (typeof t !== 'number' || !(t >= 0 && t <= numTrainSteps)) {
      throw new (typeof t === 'number' ? RangeError : TypeError)(`timesteps[${i}] must be a number in [0, ${numTrainSteps}], got ${show(t)}`);
    }
  });
}
