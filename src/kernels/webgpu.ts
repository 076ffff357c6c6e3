/**
 * The fused combination on tfjs-backend-webgpu: one compute dispatch per output, each reading
 * its inputs once, four elements per invocation where the size allows. The weights are float32
 * uniforms set from the host float64 numbers.
 *
 * Why one dispatch per output and not one for all: `runWebGPUProgram` binds exactly one output
 * buffer, and a tfjs tensor cannot alias part of another's buffer, so writing several outputs
 * in one dispatch would mean recording the pass ourselves against the backend's private
 * command encoder, buffer ownership and uniform lifetimes. A second dispatch re-reads the
 * inputs instead.
 *
 * The backend is reached through `runWebGPUProgram` and `makeTensorInfo`, typed structurally,
 * so that this package never imports @tensorflow/tfjs-backend-webgpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import { structureKey, THRESHOLDS } from './combination';
import type { CombinationKernelArgs } from './combination_kernel';
import { localOf, outputProgram, type ShaderDialect } from './shader_program';

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

const WORKGROUP_SIZE = 64;

/** One output's program; a class so that tfjs's profiler (tf.profile, tf.time) names it. */
class DiffusionSchedulersCombinationProgram implements WebgpuProgram {
  readonly dispatchLayout = { x: [0] };
  readonly workgroupSize: [number, number, number] = [WORKGROUP_SIZE, 1, 1];
  readonly size = true;

  constructor(
    readonly outputShape: number[],
    readonly shaderKey: string,
    readonly dispatch: [number, number, number],
    readonly variableNames: string[],
    readonly variableComponents: number[],
    readonly outputComponent: number,
    readonly uniforms: string,
    private readonly code: string,
  ) {}

  getUserCode(): string {
    return this.code;
  }
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

/** The kernel function registered for 'webgpu': one dispatch and one tensor per output. */
export function combineWebgpu({ inputs, backend, attrs }: CombinationKernelArgs<WebgpuBackendLike>): tf.TensorInfo[] {
  const { combination } = attrs;
  const { shape } = Object.entries(inputs).find(([name]) => name !== THRESHOLDS)![1];
  const size = tf.util.sizeFromShape(shape);
  const thresholds = inputs[THRESHOLDS];
  const itemSize = thresholds ? size / tf.util.sizeFromShape(thresholds.shape) : size;
  // vec4 loads and stores when every group of four elements lies in one batch item.
  const lanes = size % 4 === 0 && itemSize % 4 === 0 ? 4 : 1;
  const type = lanes === 4 ? 'vec4<f32>' : 'f32';
  const dialect: ShaderDialect = {
    declare: (name, value) => `let ${name} = ${value};`,
    splat: (scalar) => `${type}(${scalar})`,
    uniform: (name) => `uniforms.${name}`,
  };
  // Buffers are flat: the shader indexes every input by the output's flat index (the
  // threshold by flat index / itemSize), whatever the rank.
  const flat = (info: tf.TensorInfo, length = size): tf.TensorInfo => ({ dataId: info.dataId, dtype: info.dtype, shape: [length] });
  return combination.outputs.map((output) => {
    const { inputs: names, uniformNames, uniformValues, statements } = outputProgram(combination, output, dialect);
    const variableNames = names.map((name, i) => (name === THRESHOLDS ? 'thresholds' : localOf(i)));
    const reads = variableNames.map((variable, i) =>
      // index counts groups of `lanes` elements; all lanes of a group share one batch item.
      names[i] === THRESHOLDS ? `let s = ${type}(thresholds[(index * ${lanes}) / uniforms.itemSize]);` : `let ${variable} = ${variable}[index];`,
    );
    const program = new DiffusionSchedulersCombinationProgram(
      [size],
      // The output by its place: the key is the same for combinations that differ only in names.
      `DiffusionSchedulersCombination_${structureKey(combination)}_${combination.outputs.indexOf(output)}_${lanes}`,
      [Math.ceil(size / lanes / WORKGROUP_SIZE), 1, 1],
      variableNames,
      names.map((name) => (name === THRESHOLDS ? 1 : lanes)),
      lanes,
      `itemSize : i32, ${uniformNames.map((name) => `${name} : f32, `).join('')}`,
      `
        fn main(index : i32) {
          if (index < uniforms.size) {
            ${[...reads, ...statements].join('\n            ')}
            setOutputAtIndex(index, result);
          }
        }
      `,
    );
    const uniforms: ProgramUniform = [{ type: 'int32', data: [itemSize] }, ...uniformValues.map((value) => ({ type: 'float32' as const, data: [value] }))];
    const result = backend.makeTensorInfo(shape, 'float32');
    const buffers = names.map((name) => (name === THRESHOLDS ? flat(inputs[name], size / itemSize) : flat(inputs[name])));
    backend.runWebGPUProgram(program, buffers, 'float32', uniforms, flat(result));
    return result;
  });
}
