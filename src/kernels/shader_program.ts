/**
 * One output of a combination as shader statements, written once for GLSL (webgl) and WGSL
 * (webgpu). Every product and sum of the op chain appears in its order and parenthesized as
 * the chain evaluates it, in float32 with float32 uniforms, so the GPU rounds where the chain
 * rounds (up to a compiler fusing a multiply-add).
 */
import { inputsOf, neededValues, uniformsOf, type Combination } from './combination';

/** What differs between shading languages. */
export interface ShaderDialect {
  /** An immutable local: `vec4 name = value;` or `let name = value;`. */
  declare(name: string, value: string): string;
  /** A scalar expression broadcast to the element type (a vec4 for 4-wide programs). */
  splat(scalar: string): string;
  /** How the shader reads the uniform of this name. */
  uniform(name: string): string;
}

/** A program computing one output: what it reads and the statements that leave it in `result`. */
export interface OutputProgram {
  /** The input names it reads, THRESHOLDS included when used (then read into the local `s`). */
  readonly inputs: readonly string[];
  /** The float32 uniforms it reads, by name, in order, and their values (host numbers). */
  readonly uniformNames: string[];
  readonly uniformValues: number[];
  /** Statements; the element locals of the inputs are named by `localOf(input index)`. */
  readonly statements: string[];
}

/** The local a shader reads input `index` of `inputs` into. */
export function localOf(index: number): string {
  return `in${index}`;
}

export function outputProgram(combination: Combination, output: string, dialect: ShaderDialect): OutputProgram {
  const { declare, splat, uniform } = dialect;
  const values = neededValues(combination, [output]);
  const inputs = inputsOf(combination, [output]);
  const locals = new Map(inputs.map((name, i) => [name, localOf(i)]));
  const uniformNames: string[] = [];
  const nextUniform = () => {
    const name = `cu${uniformNames.length}`;
    uniformNames.push(name);
    return uniform(name);
  };
  const statements = values.map((value, v) => {
    const products = value.terms.map((term) => {
      const weight = nextUniform();
      return term.weight === 1 ? locals.get(term.of)! : `(${locals.get(term.of)} * ${splat(weight)})`;
    });
    let sum = products.length === 0 ? splat('0.0') : products[0];
    for (const product of products.slice(1)) sum = `(${sum} + ${product})`;
    if (value.bound?.kind === 'clip') {
      const range = nextUniform();
      sum = `clamp(${sum}, ${splat(`-${range}`)}, ${splat(range)})`;
    } else if (value.bound?.kind === 'threshold') {
      // clamp(x, -s, s) / s as clamp(x / s, -1, 1): the same number for s > 0, and exactly ±1
      // when saturated even where GPU division is not correctly rounded.
      sum = `clamp(${sum} / s, ${splat('-1.0')}, ${splat('1.0')})`;
    }
    locals.set(value.name, `v${v}`);
    return declare(`v${v}`, sum);
  });
  statements.push(declare('result', locals.get(output)!));
  return { inputs, uniformNames, uniformValues: uniformsOf(values), statements };
}
