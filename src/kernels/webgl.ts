/**
 * The fused combination on tfjs-backend-webgl: one fragment program per output (a tfjs WebGL
 * program renders to one texture), each reading its inputs once and computing the values it
 * needs in registers. The weights are float32 uniforms set from the host float64 numbers:
 * nothing is uploaded or read back, and one compiled program serves every step of a run.
 *
 * The backend is reached through its `runWebGLProgram` method, typed structurally here, so that
 * this package never imports @tensorflow/tfjs-backend-webgl.
 */
import * as tf from '@tensorflow/tfjs-core';
import { THRESHOLDS } from './combination';
import type { CombinationKernelArgs } from './combination_kernel';
import { localOf, outputProgram, type ShaderDialect } from './shader_program';

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

/** The kernel function registered for 'webgl': one program and one tensor per output. */
export function combineWebgl({ inputs, backend, attrs }: CombinationKernelArgs<WebglBackendLike>): tf.TensorInfo[] {
  const { combination } = attrs;
  // Packed (four values per texel) exactly when tfjs packs its own element-wise ops: the
  // tensors of a sampling loop then arrive packed and no (un)packing program runs.
  const packed = tf.env().getBool('WEBGL_PACK_BINARY_OPERATIONS');
  const type = packed ? 'vec4' : 'float';
  const dialect: ShaderDialect = {
    declare: (name, value) => `${type} ${name} = ${value};`,
    splat: (scalar) => `${type}(${scalar})`,
    uniform: (name) => name,
  };
  return combination.outputs.map((output) => {
    const { inputs: names, uniformNames, uniformValues, statements } = outputProgram(combination, output, dialect);
    // tfjs samplers are named after the variables: in0 is read by getIn0AtOutCoords(), which
    // broadcasts the [batch, 1, ..., 1] thresholds along every axis but the first.
    const variableNames = names.map((name, i) => (name === THRESHOLDS ? 'thresholds' : localOf(i)));
    const reads = variableNames.map((variable, i) => {
      const local = names[i] === THRESHOLDS ? 's' : variable;
      return `${type} ${local} = get${variable[0].toUpperCase()}${variable.slice(1)}AtOutCoords();`;
    });
    const program: WebglProgram = {
      variableNames,
      outputShape: inputs[names.find((name) => name !== THRESHOLDS)!].shape,
      userCode: `
        void main() {
          ${[...reads, ...statements].join('\n          ')}
          setOutput(result);
        }
      `,
      packedInputs: packed,
      packedOutput: packed,
      customUniforms: uniformNames.map((name) => ({ name, type: 'float' })),
    };
    return backend.runWebGLProgram(program, names.map((name) => inputs[name]), 'float32', uniformValues.map((value) => [value]));
  });
}
