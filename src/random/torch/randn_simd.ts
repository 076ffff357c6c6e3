/**
 * The block path of torch's randn (16 values and more) in WebAssembly SIMD128
 * (randn_simd.wat): the same float32 bits as randn.ts's JavaScript. Used when the engine
 * validates and instantiates the module (WebAssembly with SIMD, and no Content-Security-Policy
 * refusing it); the draw falls back to JavaScript otherwise. The module is compiled
 * synchronously (under 4 KiB, which Chrome allows on the main thread), once, on the first draw.
 */
import type { Mt19937 } from './mt19937';
import { STATE_WORDS } from './mt19937';
import { BLOCK } from './normal_fill_16';
import { TORCH_RANDN_SIMD_WASM } from './randn_simd_binary';
import { lazyWasmKernel } from '../wasm_kernel';

/**
 * Set `enabled` to false to draw in JavaScript even where the kernel runs: for the benchmark
 * and the tests, which compare both paths.
 */
export const simdTorchRandn = { enabled: true };

/** The module's exports (see randn_simd.wat); addresses are in bytes. */
export interface TorchRandnKernel {
  readonly memory: WebAssembly.Memory;
  /** count uniforms from the state at address 0 (next word: index) to out; returns the next index. */
  uniforms(index: number, out: number, count: number): number;
  /** normalFill16 on each of `blocks` blocks of 16 floats from address, in place. */
  normals(address: number, blocks: number): void;
}

/** Byte address of the values, after the 624 state words; and how many a chunk holds (32 KiB). */
export const VALUES_ADDRESS = 4 * STATE_WORDS;
export const CHUNK_VALUES = 8192;

/** The kernel, instantiated on first use; null where it cannot run. */
export const torchRandnKernel = lazyWasmKernel<TorchRandnKernel>(TORCH_RANDN_SIMD_WASM);

/**
 * randn.ts's `blockNormals(engine, values)` computed by the kernel, or false (nothing drawn)
 * when it is switched off or cannot run. The engine's state goes into the kernel's memory and
 * comes back advanced. values.length >= 16: whole blocks chunk by chunk, then, when the size is
 * not a multiple of 16, the leftover uniforms drawn and dropped (torch overwrites them) and 16
 * fresh ones for the last 16 places.
 */
export function blockNormalsSimd(engine: Mt19937, values: Float32Array): boolean {
  if (!simdTorchRandn.enabled) return false;
  const simd = torchRandnKernel();
  if (simd === null) return false;
  new Uint32Array(simd.memory.buffer, 0, STATE_WORDS).set(engine.state);
  const heap = new Float32Array(simd.memory.buffer, VALUES_ADDRESS, CHUNK_VALUES);
  const size = values.length;
  const leftover = size % BLOCK;
  const whole = size - leftover;
  let index = engine.index;
  for (let first = 0; first < whole; first += CHUNK_VALUES) {
    const count = Math.min(CHUNK_VALUES, whole - first);
    index = simd.uniforms(index, VALUES_ADDRESS, count);
    simd.normals(VALUES_ADDRESS, count / BLOCK);
    values.set(heap.subarray(0, count), first);
  }
  if (leftover !== 0) {
    index = simd.uniforms(index, VALUES_ADDRESS, leftover);
    index = simd.uniforms(index, VALUES_ADDRESS, BLOCK);
    simd.normals(VALUES_ADDRESS, 1);
    values.set(heap.subarray(0, BLOCK), size - BLOCK);
  }
  engine.state.set(new Uint32Array(simd.memory.buffer, 0, STATE_WORDS));
  engine.index = index;
  return true;
}
