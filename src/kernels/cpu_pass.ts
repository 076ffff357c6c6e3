/**
 * A combination as one JavaScript loop over float32 arrays, compiled per structure with
 * `new Function`: every value of an element is computed in locals and each output written
 * once, instead of a chain of kernels that each allocate a tensor. Every product and sum is
 * rounded by Math.fround where the op chain rounds it (the store into a Float32Array rounds
 * as Math.fround does), so the result is the chain's, bit for bit.
 *
 * A page whose Content-Security-Policy forbids `new Function` gets null from `compilePass`,
 * and the caller runs the op chain.
 */
import { inputsOf, neededValues, structureKey, THRESHOLDS, type Combination } from './combination';

/**
 * Fills `outputs` (one array per output of the combination) from `inputs` (one array per
 * `inputsOf(combination)` name, THRESHOLDS excluded), with `uniforms` as `uniformsOf` orders
 * them (rounded to float32 by the pass). `thresholds` holds one s per item (`length /
 * thresholds.length` elements each), or is null.
 */
export type CombinationPass = (
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  uniforms: readonly number[],
  thresholds: Float32Array | null,
  length: number,
) => void;

const passes = new Map<string, CombinationPass | null>();

/** The compiled pass of the combination's structure, or null where code cannot be compiled. */
export function compilePass(combination: Combination): CombinationPass | null {
  const key = structureKey(combination);
  let pass = passes.get(key);
  if (pass === undefined) {
    try {
      pass = new Function('f', passSource(combination))(Math.fround) as CombinationPass;
    } catch {
      pass = null; // eval forbidden (CSP): the op chain runs instead
    }
    passes.set(key, pass);
  }
  return pass;
}

/** The body of a function of `f` (Math.fround) that returns the pass. Exported for the tests. */
export function passSource(combination: Combination): string {
  const inputs = inputsOf(combination).filter((name) => name !== THRESHOLDS);
  const values = neededValues(combination, combination.outputs);
  const locals = new Map<string, string>();
  inputs.forEach((name, i) => locals.set(name, `in${i}[i]`));
  const header = [
    ...inputs.map((_, i) => `const in${i} = inputs[${i}];`),
    ...combination.outputs.map((_, i) => `const out${i} = outputs[${i}];`),
  ];
  const body: string[] = [];
  let uniform = 0;
  const nextUniform = () => {
    header.push(`const u${uniform} = f(uniforms[${uniform}]);`);
    return `u${uniform++}`;
  };
  values.forEach((value, v) => {
    const products = value.terms.map((term) => {
      const operand = locals.get(term.of)!;
      const weight = nextUniform();
      return term.weight === 1 ? operand : `f(${operand} * ${weight})`;
    });
    let sum = products.length === 0 ? '0' : products[0];
    for (const product of products.slice(1)) sum = `f(${sum} + ${product})`;
    if (value.bound?.kind === 'clip') {
      const range = nextUniform();
      sum = `Math.min(Math.max(${sum}, -${range}), ${range})`;
    } else if (value.bound?.kind === 'threshold') {
      sum = `Math.min(Math.max(f(${sum} / s), -1), 1)`;
    }
    body.push(`const v${v} = ${sum};`);
    locals.set(value.name, `v${v}`);
  });
  combination.outputs.forEach((name, i) => body.push(`out${i}[i] = ${locals.get(name)};`));
  return `"use strict";
return function pass(inputs, outputs, uniforms, thresholds, length) {
  ${header.join('\n  ')}
  const items = thresholds === null ? 1 : thresholds.length;
  const itemSize = length / items;
  for (let item = 0, i = 0; item < items; item++) {
    const s = thresholds === null ? 1 : thresholds[item];
    for (const end = i + itemSize; i < end; i++) {
      ${body.join('\n      ')}
    }
  }
};`;
}
