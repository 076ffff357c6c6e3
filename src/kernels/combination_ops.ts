import * as tf from '@tensorflow/tfjs-core';
import { neededValues, THRESHOLDS, type Bound, type Combination } from './combination';

/**
 * A combination as a chain of tfjs ops, in the order and with the float32 roundings that
 * combination.ts defines: the reference the fused kernels are tested against, and what runs
 * on backends without one (wasm, tfjs-node). `inputs` are float32 tensors of one shape (and
 * THRESHOLDS of shape [batch]). Call inside a `tf.tidy`; an output may be one of the inputs.
 */
export function combineOps(combination: Combination, inputs: Readonly<Record<string, tf.Tensor>>): tf.Tensor[] {
  const known = new Map<string, tf.Tensor>(Object.entries(inputs));
  const read = (name: string): tf.Tensor => {
    const tensor = known.get(name);
    if (tensor === undefined) throw new Error(`combination reads ${JSON.stringify(name)}, which is neither an input nor an earlier value`);
    return tensor;
  };
  const anyInput = Object.entries(inputs).find(([name]) => name !== THRESHOLDS)?.[1];
  for (const value of neededValues(combination, combination.outputs)) {
    let sum: tf.Tensor | null = null;
    for (const term of value.terms) {
      const operand = read(term.of);
      const product = term.weight === 1 ? operand : tf.mul(operand, term.weight);
      sum = sum === null ? product : tf.add(sum, product);
    }
    if (sum === null) {
      if (anyInput === undefined) throw new Error(`combination value ${JSON.stringify(value.name)} has no term and no input gives its shape`);
      sum = tf.zerosLike(anyInput);
    }
    known.set(value.name, value.bound ? bounded(sum, value.bound, known.get(THRESHOLDS)) : sum);
  }
  return combination.outputs.map(read);
}

function bounded(value: tf.Tensor, bound: Bound, thresholds: tf.Tensor | undefined): tf.Tensor {
  if (bound.kind === 'clip') return tf.clipByValue(value, -bound.range, bound.range);
  if (thresholds === undefined) throw new Error(`a 'threshold' bound needs the ${THRESHOLDS} input`);
  // clamp(x, -s, s) / s with s broadcast along every axis but the first. Not tf.clipByValue,
  // which takes scalar bounds only.
  const s = tf.reshape(thresholds, [value.shape[0], ...value.shape.slice(1).map(() => 1)]);
  return tf.div(tf.minimum(tf.maximum(value, tf.neg(s)), s), s);
}
