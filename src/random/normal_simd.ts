/**
 * `normalValues` in WebAssembly SIMD128 (normal_simd.wat): the same float32 bits as the
 * JavaScript draw, about 6x faster. Used when the engine validates and instantiates the module
 * (WebAssembly with SIMD, and no Content-Security-Policy refusing it); `normalValues` falls back
 * to JavaScript otherwise. The module is compiled synchronously (under 4 KiB, which Chrome allows
 * on the main thread), once, on the first draw.
 */
import { NORMAL_SIMD_WASM } from './normal_simd_binary';
import { lazyWasmKernel } from './wasm_kernel';

/**
 * Set `enabled` to false to draw in JavaScript even where the kernel runs: for the benchmark
 * and the tests, which compare both paths.
 */
export const simdNormals = { enabled: true };

/** The module's exports (see normal_simd.wat); addresses are in bytes. */
export interface NormalSimdKernel {
  readonly memory: WebAssembly.Memory;
  /** threefry2x32 words of blocks first .. first + count - 1: first words at out0, second at out1. */
  threefry(k0: number, k1: number, half: number, size: number, first: number, count: number, out0: number, out1: number): void;
  /** The count words at address (a multiple of 4 processed) to normals, in place; 8 scratch bytes per word. */
  normals(address: number, count: number, scratch: number): void;
}

/**
 * Threefry blocks per chunk: the chunk's 2 * CHUNK_BLOCKS words from address 0, then the float64
 * scratch of their normals, 48 KiB of the kernel's single 64 KiB page.
 */
export const CHUNK_BLOCKS = 2048;

/** Byte address of the scratch, after the words. */
export const SCRATCH_ADDRESS = 8 * CHUNK_BLOCKS;

/** The kernel, instantiated on first use; null where it cannot run. */
export const normalSimdKernel = lazyWasmKernel<NormalSimdKernel>(NORMAL_SIMD_WASM);

/**
 * `normalValues(key, size)` computed by the kernel, or null when it is switched off or cannot
 * run. Arguments are checked by the caller. Threefry's block b gives values b and half + b;
 * chunk by chunk, the kernel writes the first words, then the second words from the next
 * multiple of 4, turns both into normals in one call, and they are copied to their places.
 */
export function normalValuesSimd(key: Uint32Array, size: number): Float32Array | null {
  if (!simdNormals.enabled) return null;
  const simd = normalSimdKernel();
  if (simd === null) return null;
  const heap = new Float32Array(simd.memory.buffer);
  const values = new Float32Array(size);
  const half = Math.ceil(size / 2);
  for (let first = 0; first < half; first += CHUNK_BLOCKS) {
    const blocks = Math.min(CHUNK_BLOCKS, half - first);
    // Blocks at and beyond size - half have no second value (the padding of an odd size).
    const seconds = Math.min(blocks, size - half - first);
    const secondsIndex = (blocks + 3) & ~3;
    simd.threefry(key[0], key[1], half, size, first, blocks, 0, 4 * secondsIndex);
    simd.normals(0, secondsIndex + seconds, SCRATCH_ADDRESS);
    values.set(heap.subarray(0, blocks), first);
    values.set(heap.subarray(secondsIndex, secondsIndex + seconds), half + first);
  }
  return values;
}
