import * as tf from '@tensorflow/tfjs-core';
import { checkDenseArray, show } from '../errors';
import { checkFloatTensor, checkSampleTensor } from './check_step';

/** The timesteps a class's forward process takes: the tensor dtypes, and which host numbers. */
export interface ItemTimestepRule {
  readonly dtypes: ReadonlyArray<'int32' | 'float32'>;
  /** What host timesteps must be, for messages: one ('an integer in [0, 999]') and several ('integers in [0, 999]'). */
  readonly each: string;
  readonly all: string;
  accepts(timestep: number): boolean;
}

/**
 * Checks the arguments of a forward-process call (addNoise, getVelocity, scale_noise): `data`
 * (named `name`), a float32 tensor with a first (batch) axis; `noise` of its shape; one
 * timestep per item of the first axis, as host numbers the rule accepts, or a tensor of the
 * rule's dtypes that stays on the device (its values are not checked: that would read it back).
 */
export function checkNoisingInputs(name: string, data: unknown, noise: unknown, timesteps: unknown, rule: ItemTimestepRule): asserts data is tf.Tensor {
  checkFloatTensor(name, data);
  if (data.rank === 0) throw new RangeError(`${name} must have a first (batch) axis, got a scalar`);
  checkSampleTensor('noise', noise, data.shape, `the shape of ${name}`);
  const batch = data.shape[0];
  const dtypes = rule.dtypes.join(' or ');
  const tensorKind = `${/^[aeiou]/.test(dtypes) ? 'an' : 'a'} ${dtypes} tf.Tensor1D`;
  if (timesteps instanceof tf.Tensor) {
    if (timesteps.isDisposed) throw new TypeError('timesteps was disposed before the call');
    if (!rule.dtypes.includes(timesteps.dtype as 'int32') || timesteps.rank !== 1 || timesteps.shape[0] !== batch) {
      throw new TypeError(`timesteps must be ${tensorKind} of ${batch} values (one per item of ${name}'s first axis), got a ${timesteps.dtype} tensor of shape ${show(timesteps.shape)}`);
    }
    return;
  }
  const values = checkDenseArray('timesteps', timesteps, `an array of ${batch} ${rule.all} or ${tensorKind}`);
  if (values.length !== batch) throw new RangeError(`timesteps must hold one timestep per item of ${name}'s first axis (${batch}), got ${values.length}`);
  values.forEach((t, i) => {
    if (typeof t !== 'number' || !rule.accepts(t)) {
      throw new (typeof t === 'number' ? RangeError : TypeError)(`timesteps[${i}] must be ${rule.each}, got ${show(t)}`);
    }
  });
}
