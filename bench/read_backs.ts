/**
 * Counts the read-backs a function makes: the active backend's read and readSync, the only ways
 * tfjs moves a tensor to the host. Synchronous, tfjs only: it runs in Node and in the Chromium
 * pages alike, beside countGpuPrograms (__tests__/browser/helpers/kernels_programs.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Runs `f` and returns its result with the read-backs (backend read or readSync) it made. */
export function countReads<T>(f: () => T): { result: T; reads: number } {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  let reads = 0;
  // An own property shadows the prototype's method; deleting it restores the method.
  for (const method of ['read', 'readSync']) {
    const original = backend[method] as (...args: unknown[]) => unknown;
    backend[method] = function (this: unknown, ...args: unknown[]) {
      reads++;
      return original.apply(this, args);
    };
  }
  try {
    return { result: f(), reads };
  } finally {
    delete backend.read;
    delete backend.readSync;
  }
}
