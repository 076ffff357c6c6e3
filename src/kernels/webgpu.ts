/**
 * The fused DDIM update on tfjs-backend-webgpu: two compute dispatches, one per output, each
 * reading x, p (and z, s) once, four elements per invocation where the size allows. The
 * coefficients are float32 uniforms set from the host float64 numbers.
 *
 * Why two dispatches and not one: `runWebGPUProgram` binds exactly one output buffer, and a
 * tfjs tensor cannot alias part of another's buffer, so writing both outputs in one dispatch
 * would mean recording the pass ourselves against the backend's private command encoder,
 * buffer ownership and uniform lifetimes. The second dispatch re-reads x and p instead
 * (7 instead of 5 values moved per element).
 *
 * The backend is reached through `runWebGPUProgram` and `makeTensorInfo`, typed structurally,
 * so that this package never imports @tensorflow/tfjs-backend-webgpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DdimUpdateAttrs, DdimUpdateKernelInputs, DdimUpdateKernelOutputs } from './ddim_update_kernel';
import { updateStatements, updateVariant, variantKey, variantUniforms, variantUniformValues, type ShaderDialect, type UpdateOutput, type UpdateVariant } from './shader_formula';

/** The fields of tfjs-backend-webgpu's WebGPUProgram that this kernel sets. */
interface WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  variableNames: string[];
  variableComponents?: number[];
  outputComponent: number;
  size: boolean;
  uniforms: string;
  getUserCode(): string;
}

type ProgramUniform = Array<{ type: 'float32' | 'int32'; data: number[] }>;

/** What the kernel uses of tfjs-backend-webgpu's WebGPUBackend. */
export interface WebgpuBackendLike {
  runWebGPUProgram(program: WebgpuProgram, inputs: tf.TensorInfo[], outputDtype: 'float32', programUniforms: ProgramUniform, output: tf.TensorInfo): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

export function isWebgpuBackend(backend: unknown): backend is WebgpuBackendLike {
  const candidate = backend as Partial<WebgpuBackendLike>;
  return typeof candidate.runWebGPUProgram === 'function' && typeof candidate.makeTensorInfo === 'function';
}

const WORKGROUP_SIZE = 64;

/** The kernel function registered for 'webgpu': returns [denoised, nextSample]. */
export function ddimUpdateWebgpu(args: { inputs: DdimUpdateKernelInputs; backend: WebgpuBackendLike; attrs: DdimUpdateAttrs }): DdimUpdateKernelOutputs {
  const { inputs, backend, attrs } = args;
  const { shape } = inputs.noisySample;
  const size = tf.util.sizeFromShape(shape);
  const itemSize = inputs.thresholds ? size / tf.util.sizeFromShape(inputs.thresholds.shape) : size;
  // Buffers are flat: the shader indexes every input by the output's flat index (the
  // threshold by flat index / itemSize), whatever the rank.
  const flat = (info: tf.TensorInfo, length = size): tf.TensorInfo => ({ dataId: info.dataId, dtype: info.dtype, shape: [length] });
  const buffers = [flat(inputs.noisySample), flat(inputs.prediction)];
  const variableNames = ['noisySample', 'prediction'];
  if (inputs.freshNoise) {
    buffers.push(flat(inputs.freshNoise));
    variableNames.push('freshNoise');
  }
  if (inputs.thresholds) {
    buffers.push(flat(inputs.thresholds, size / itemSize));
    variableNames.push('thresholds');
  }
  // vec4 loads and stores when every group of four elements lies in one batch item.
  const lanes = size % 4 === 0 && itemSize % 4 === 0 ? 4 : 1;
  const run = (output: UpdateOutput) => {
    const variant = updateVariant(output, attrs, inputs.thresholds !== undefined, inputs.freshNoise !== undefined);
    const names = variantUniforms(variant);
    const program: WebgpuProgram = {
      outputShape: [size],
      shaderKey: `DiffusionSchedulersDdimUpdate_${variantKey(variant)}_${lanes}`,
      dispatchLayout: { x: [0] },
      dispatch: [Math.ceil(size / lanes / WORKGROUP_SIZE), 1, 1],
      workgroupSize: [WORKGROUP_SIZE, 1, 1],
      variableNames,
      variableComponents: inputs.thresholds ? variableNames.map((name) => (name === 'thresholds' ? 1 : lanes)) : undefined,
      outputComponent: lanes,
      size: true,
      uniforms: `itemSize : i32, ${names.map((name) => `${name} : f32, `).join('')}`,
      getUserCode: () => computeShader(variant, variableNames, lanes),
    };
    const uniforms: ProgramUniform = [{ type: 'int32', data: [itemSize] }, ...variantUniformValues(variant, attrs).map((value) => ({ type: 'float32' as const, data: [value] }))];
    const result = backend.makeTensorInfo(shape, 'float32');
    backend.runWebGPUProgram(program, buffers, 'float32', uniforms, flat(result));
    return result;
  };
  return [run('denoised'), run('nextSample')];
}

/** The element locals the formula reads, by buffer. */
const LOCALS: Record<string, string> = { noisySample: 'x', prediction: 'p', freshNoise: 'z' };

function computeShader(variant: UpdateVariant, variableNames: string[], lanes: number): string {
  const type = lanes === 4 ? 'vec4<f32>' : 'f32';
  const dialect: ShaderDialect = {
    declare: (name, value) => `let ${name} = ${value};`,
    splat: (scalar) => `${type}(${scalar})`,
    uniform: (name) => `uniforms.${name}`,
  };
  const reads = variableNames.map((name) =>
    // index counts groups of `lanes` elements; all lanes of a group share one batch item.
    name === 'thresholds' ? `let s = ${type}(thresholds[(index * ${lanes}) / uniforms.itemSize]);` : `let ${LOCALS[name]} = ${name}[index];`,
  );
  return `
    fn main(index : i32) {
      if (index < uniforms.size) {
        ${reads.join('\n        ')}
        ${updateStatements(dialect, variant).split('\n').join('\n        ')}
        setOutputAtIndex(index, updated);
      }
    }
  `;
}
