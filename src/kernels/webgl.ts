/**
 * The fused DDIM update on tfjs-backend-webgl: two fragment programs, one per output (a tfjs
 * WebGL program renders to one texture), each reading x, p (and z, s) once and doing the whole
 * update in registers. The coefficients are float32 uniforms set from the host float64 numbers:
 * nothing is uploaded or read back, and one compiled program serves every step of a run.
 *
 * The backend is reached through its `runWebGLProgram` method, typed structurally here, so that
 * this package never imports @tensorflow/tfjs-backend-webgl.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DdimUpdateAttrs, DdimUpdateKernelInputs, DdimUpdateKernelOutputs } from './ddim_update_kernel';
import { updateStatements, updateVariant, variantUniforms, variantUniformValues, type ShaderDialect, type UpdateOutput, type UpdateVariant } from './shader_formula';

/** The fields of tfjs-backend-webgl's GPGPUProgram that this kernel sets. */
interface WebglProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs: boolean;
  packedOutput: boolean;
  customUniforms: Array<{ name: string; type: 'float' }>;
}

/** What the kernel uses of tfjs-backend-webgl's MathBackendWebGL. */
export interface WebglBackendLike {
  runWebGLProgram(program: WebglProgram, inputs: tf.TensorInfo[], outputDtype: 'float32', customUniformValues: number[][]): tf.TensorInfo;
}

export function isWebglBackend(backend: unknown): backend is WebglBackendLike {
  return typeof (backend as Partial<WebglBackendLike>).runWebGLProgram === 'function';
}

/** The kernel function registered for 'webgl': returns [denoised, nextSample]. */
export function ddimUpdateWebgl(args: { inputs: DdimUpdateKernelInputs; backend: WebglBackendLike; attrs: DdimUpdateAttrs }): DdimUpdateKernelOutputs {
  const { inputs, backend, attrs } = args;
  const textures = [inputs.noisySample, inputs.prediction];
  const variableNames = ['noisySample', 'prediction'];
  if (inputs.freshNoise) {
    textures.push(inputs.freshNoise);
    variableNames.push('freshNoise');
  }
  if (inputs.thresholds) {
    textures.push(inputs.thresholds);
    variableNames.push('thresholds');
  }
  // Packed (four values per texel) exactly when tfjs packs its own element-wise ops: the
  // tensors of a sampling loop then arrive packed and no (un)packing program runs.
  const packed = tf.env().getBool('WEBGL_PACK_BINARY_OPERATIONS');
  const run = (output: UpdateOutput) => {
    const variant = updateVariant(output, attrs, inputs.thresholds !== undefined, inputs.freshNoise !== undefined);
    const program: WebglProgram = {
      variableNames,
      outputShape: inputs.noisySample.shape,
      userCode: fragmentShader(variant, variableNames, packed),
      packedInputs: packed,
      packedOutput: packed,
      customUniforms: variantUniforms(variant).map((name) => ({ name, type: 'float' })),
    };
    return backend.runWebGLProgram(program, textures, 'float32', variantUniformValues(variant, attrs).map((value) => [value]));
  };
  return [run('denoised'), run('nextSample')];
}

/** The element locals the formula reads, by sampler. */
const LOCALS: Record<string, string> = { noisySample: 'x', prediction: 'p', freshNoise: 'z', thresholds: 's' };

function fragmentShader(variant: UpdateVariant, variableNames: string[], packed: boolean): string {
  const type = packed ? 'vec4' : 'float';
  const dialect: ShaderDialect = {
    declare: (name, value) => `${type} ${name} = ${value};`,
    splat: (scalar) => `${type}(${scalar})`,
    uniform: (name) => name,
  };
  // get<Name>AtOutCoords() is tfjs's sampler at the output's coordinates; it broadcasts the
  // [batch, 1, ..., 1] thresholds along every axis but the first.
  const reads = variableNames.map((name) => `${type} ${LOCALS[name]} = get${name[0].toUpperCase()}${name.slice(1)}AtOutCoords();`);
  return `
    void main() {
      ${reads.join('\n      ')}
      ${updateStatements(dialect, variant).split('\n').join('\n      ')}
      setOutput(updated);
    }
  `;
}
