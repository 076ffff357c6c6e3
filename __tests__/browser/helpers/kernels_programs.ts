/**
 * Page side: counts and names the GPU programs a function runs, by wrapping the active
 * backend's program-running method (webgl: runWebGLProgram, which also runs uploads and
 * (un)packing; webgpu: runWebGPUProgram, one per dispatch; uploads there are buffer copies).
 */
import * as tf from '@tensorflow/tfjs-core';

const PROGRAM_METHODS = ['runWebGLProgram', 'runWebGPUProgram'];

/**
 * A program's name: its class's (tfjs's programs and ours are classes, as tfjs's profiler
 * names them), else the start of its shader key.
 */
function programName(program: unknown): string {
  const { constructor, shaderKey } = program as { constructor?: { name?: string }; shaderKey?: unknown };
  const name = constructor?.name;
  if (name && name !== 'Object') return name;
  return typeof shaderKey === 'string' ? shaderKey.split('_')[0] : 'anonymous program';
}

/**
 * Programs that only move data between layouts: webgl's (un)packing and packed reshape
 * (their classes; a bundler may suffix a number to keep names apart).
 */
export function isLayoutProgram(name: string): boolean {
  return /^(Pack|Unpack|ReshapePacked)Program\d*$/.test(name);
}

/** Runs `f` and returns its result with the names of the GPU programs it ran, in order (null on a backend without programs). */
export function recordGpuPrograms<T>(f: () => T): { result: T; programs: string[] | null } {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const method = PROGRAM_METHODS.find((name) => typeof backend[name] === 'function');
  if (method === undefined) return { result: f(), programs: null };
  const original = backend[method] as (...args: unknown[]) => unknown;
  const programs: string[] = [];
  // An own property shadows the prototype's method; deleting it restores the method. The
  // (un)packing a program needs runs inside its call and is recorded after it.
  backend[method] = function (this: unknown, program: unknown, ...args: unknown[]) {
    programs.push(programName(program));
    return original.call(this, program, ...args);
  };
  try {
    const result = f();
    return { result, programs };
  } finally {
    delete backend[method];
  }
}

/** Runs `f` and returns its result with the number of GPU programs it ran (null on a backend without programs). */
export function countGpuPrograms<T>(f: () => T): { result: T; programs: number | null } {
  const { result, programs } = recordGpuPrograms(f);
  return { result, programs: programs === null ? null : programs.length };
}
