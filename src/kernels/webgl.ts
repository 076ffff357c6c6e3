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

/** One output's program; a class so that tfjs's profiler (tf.profile, tf.time) names it. */
class DiffusionSchedulersCombinationProgram implements WebglProgram {
  readonly packedInputs: boolean;
  readonly packedOutput: boolean;

  constructor(
    readonly variableNames: string[],
    readonly outputShape: number[],
    readonly userCode: string,
    packed: boolean,
    readonly customUniforms: Array<{ name: string; type: 'float' }>,
  ) {
    this.packedInputs = packed;
    this.packedOutput = packed;
  }
}

/** What the kernel reads of a tensor's texture data: whether it is on the GPU, and in which layout. */
interface TextureData {
  texture?: unknown;
  isPacked?: boolean;
}

/** What the kernel uses of tfjs-backend-webgl's MathBackendWebGL. */
export interface WebglBackendLike {
  runWebGLProgram(program: WebglProgram, inputs: tf.TensorInfo[], outputDtype: 'float32', customUniformValues: number[][]): tf.TensorInfo;
  texData: { get(dataId: tf.DataId): TextureData | undefined };
}

export function isWebglBackend(backend: unknown): backend is WebglBackendLike {
  const candidate = backend as Partial<WebglBackendLike>;
  return typeof candidate.runWebGLProgram === 'function' && typeof candidate.texData?.get === 'function';
}

/** The data ids this kernel has written: its outputs, and the clones that share their data. */
const written = new WeakSet<tf.DataId>();

/**
 * Whether to run packed (four values per texel): the layout most of the sample-shaped inputs
 * already have on the GPU, counting first those made outside this kernel (the model's output,
 * the caller's tensors), then its own earlier outputs; tfjs's own layout for element-wise ops
 * (WEBGL_PACK_BINARY_OPERATIONS) when they are split evenly or none is on the GPU yet (a
 * tensor still on the host is uploaded in whichever layout the program reads, at one program
 * either way).
 *
 * Why: tfjs converts every input whose layout differs from the program's with a (un)packing
 * program, and the output's layout is what the next model call reads. A model's tensors are
 * in the layout its own ops write (packed convolutions and matMuls even where element-wise
 * ops are unpacked), so following them keeps a step between two model calls free of layout
 * programs; following the flag alone cost two unpacks in the step and a pack in the model
 * where the two differ. The kernel's own outputs count last: they only repeat its earlier
 * choice, and a tie between the sample it wrote and the model's output would keep it there.
 */
function runsPacked(backend: WebglBackendLike, inputs: readonly tf.TensorInfo[]): boolean {
  const votes = { outside: 0, own: 0 }; // packed inputs minus unpacked ones
  for (const input of inputs) {
    const data = backend.texData.get(input.dataId);
    if (data?.texture == null) continue;
    votes[written.has(input.dataId) ? 'own' : 'outside'] += data.isPacked ? 1 : -1;
  }
  const vote = votes.outside !== 0 ? votes.outside : votes.own;
  return vote === 0 ? tf.env().getBool('WEBGL_PACK_BINARY_OPERATIONS') : vote > 0;
}

/** The kernel function registered for 'webgl': one program and one tensor per output. */
export function combineWebgl({ inputs, backend, attrs }: CombinationKernelArgs<WebglBackendLike>): tf.TensorInfo[] {
  const { combination } = attrs;
  // One layout for every output of the step, chosen from the inputs they read.
  const packed = runsPacked(backend, Object.entries(inputs).filter(([name]) => name !== THRESHOLDS).map(([, input]) => input));
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
    const program = new DiffusionSchedulersCombinationProgram(
      variableNames,
      inputs[names.find((name) => name !== THRESHOLDS)!].shape,
      `
        void main() {
          ${[...reads, ...statements].join('\n          ')}
          setOutput(result);
        }
      `,
      packed,
      uniformNames.map((name) => ({ name, type: 'float' })),
    );
    const result = backend.runWebGLProgram(program, names.map((name) => inputs[name]), 'float32', uniformValues.map((value) => [value]));
    written.add(result.dataId);
    return result;
  });
}
