/**
 * Page side: counts the GPU programs a function runs, by wrapping the active backend's
 * program-running method (webgl: runWebGLProgram, which also runs uploads and (un)packing;
 * webgpu: runWebGPUProgram, one per dispatch; uploads there are buffer copies).
 */
import * as tf from '@tensorflow/tfjs-core';

const PROGRAM_METHODS = ['runWebGLProgram', 'runWebGPUProgram'];

/** Runs `f` and returns its result with the number of GPU programs it ran (null on a backend without programs). */
export function countGpuPrograms<T>(f: () => T): { result: T; programs: number | null } {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const method = PROGRAM_METHODS.find((name) => typeof backend[name] === 'function');
  if (method === undefined) return { result: f(), programs: null };
  const original = backend[method] as (...args: unknown[]) => unknown;
  let programs = 0;
  // An own property shadows the prototype's method; deleting it restores the method.
  backend[method] = function (this: unknown, ...args: unknown[]) {
    programs++;
    return original.apply(this, args);
  };
  try {
    const result = f();
    return { result, programs };
  } finally {
    delete backend[method];
  }
}
