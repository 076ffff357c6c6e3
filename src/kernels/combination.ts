/**
 * What every scheduler's update is: a short straight-line program of weighted sums over a few
 * tensors of the sample's shape, with host-computed weights, where one value may be clipped or
 * thresholded (the predicted x0). DDIM, PNDM, LCM, TCD, Euler, DPM-Solver, UniPC and flow
 * matching all write their step this way (see each scheduler's plan); the fused kernels of
 * this folder evaluate it in one pass, the op chain (combination_ops.ts) is the reference.
 *
 * Float32 semantics, the same on every path: a value is
 *   ((in_0 * w_0 + in_1 * w_1) + in_2 * w_2) + ...
 * with every product and every sum rounded to float32 in this order, each weight rounded to
 * float32 first (as tfjs rounds a scalar), a product by a weight of exactly 1 left out (it is
 * exact) and no term for a weight of 0 (the builders drop them); a value with no term is 0.
 * Then its bound: 'clip' clamps to [-range, range] (range rounded to float32), 'threshold'
 * divides by the item's s (the `thresholds` input, one per item of the first axis) and
 * clamps to [-1, 1] (Imagen's clamp(x, -s, s) / s, the same float32 number).
 */

/** One term of a weighted sum: the tensor or earlier value named `of`, times `weight`. */
export interface Term {
  readonly of: string;
  readonly weight: number;
}

/** How a value is bounded after its sum. */
export type Bound = { readonly kind: 'clip'; readonly range: number } | { readonly kind: 'threshold' };

/** A named value: a weighted sum of inputs and earlier values, optionally bounded. */
export interface Value {
  readonly name: string;
  readonly terms: readonly Term[];
  readonly bound?: Bound;
}

/** The program: values computed in order, and the names of those returned, in order. */
export interface Combination {
  readonly values: readonly Value[];
  readonly outputs: readonly string[];
}

/** The input holding one dynamic threshold s per item of the first axis (a 'threshold' bound reads it). */
export const THRESHOLDS = 'thresholds';

/** A value from its terms, leaving out the terms of weight 0. */
export function weightedSum(name: string, terms: ReadonlyArray<readonly [of: string, weight: number]>, bound?: Bound): Value {
  const kept = terms.filter(([, weight]) => weight !== 0).map(([of, weight]) => ({ of, weight }));
  return bound === undefined ? { name, terms: kept } : { name, terms: kept, bound };
}

/** The inputs of all outputs, per combination object: a step asks for them several times (its noise draw, the dispatch, the kernel). */
const wholeInputs = new WeakMap<Combination, readonly string[]>();

/** The names a combination reads that no value of it defines, in order of first use (THRESHOLDS included when a value is thresholded). */
export function inputsOf(combination: Combination, outputs: readonly string[] = combination.outputs): readonly string[] {
  const whole = outputs === combination.outputs;
  let inputs = whole ? wholeInputs.get(combination) : undefined;
  if (inputs === undefined) {
    inputs = readInputs(combination, outputs);
    if (whole) wholeInputs.set(combination, inputs);
  }
  return inputs;
}

function readInputs(combination: Combination, outputs: readonly string[]): string[] {
  const needed = neededValues(combination, outputs);
  const defined = new Set(combination.values.map((value) => value.name));
  const inputs: string[] = [];
  for (const value of needed) {
    for (const { of } of value.terms) if (!defined.has(of) && !inputs.includes(of)) inputs.push(of);
    if (value.bound?.kind === 'threshold' && !inputs.includes(THRESHOLDS)) inputs.push(THRESHOLDS);
  }
  return inputs;
}

/** The values `outputs` depend on, in program order. */
export function neededValues(combination: Combination, outputs: readonly string[]): Value[] {
  const byName = new Map(combination.values.map((value) => [value.name, value]));
  const needed = new Set<string>();
  const visit = (name: string) => {
    const value = byName.get(name);
    if (value === undefined || needed.has(name)) return;
    needed.add(name);
    for (const term of value.terms) visit(term.of);
  };
  outputs.forEach(visit);
  return combination.values.filter((value) => needed.has(value.name));
}

/** The weights and clip ranges of `values`, in the order the kernels read them (a value's terms, then its clip range). */
export function uniformsOf(values: readonly Value[]): number[] {
  const uniforms: number[] = [];
  for (const value of values) {
    for (const term of value.terms) uniforms.push(term.weight);
    if (value.bound?.kind === 'clip') uniforms.push(value.bound.range);
  }
  return uniforms;
}

const keys = new WeakMap<Combination, string>();

/**
 * The combination's structure without its weights and names: which inputs and earlier values
 * each value reads (numbered in order of first appearance), whether a weight is 1, the bounds,
 * which values are output. Kernels compile one program per structure and take the weights as
 * uniforms, so a run compiles once and every step reuses it. The code a kernel generates
 * depends on names only through that order (its locals are in0, v0, ...), so combinations that
 * differ only in names, such as PNDM's history named by call index (modelOutput12, ...), share
 * one program instead of compiling one per step.
 */
export function structureKey(combination: Combination): string {
  let key = keys.get(combination);
  if (key === undefined) {
    const numbers = new Map<string, number>();
    // THRESHOLDS keeps its name: the kernels read it differently from the other inputs.
    const numberOf = (name: string) => {
      if (name === THRESHOLDS) return name;
      if (!numbers.has(name)) numbers.set(name, numbers.size);
      return `#${numbers.get(name)}`;
    };
    const values = combination.values.map((value) => {
      const terms = value.terms.map((term) => `${numberOf(term.of)}${term.weight === 1 ? '' : '*'}`).join('+');
      return `${numberOf(value.name)}=${terms}${value.bound ? `|${value.bound.kind}` : ''}`;
    });
    key = `${values.join(';')}->${combination.outputs.map(numberOf).join(',')}`;
    keys.set(combination, key);
  }
  return key;
}
