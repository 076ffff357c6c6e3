/**
 * What the specs of the two WebAssembly draws (random_simd.test.ts for threefry's normals,
 * torch_randn_simd.test.ts for torch's randn) check alike: bit-for-bit comparisons, the
 * JavaScript fallback where the kernel cannot run, and the committed binary against its .wat.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { compileKernel, kernelModuleSource, type WasmKernel } from '../../scripts/wasm_binary';

/** Indices where two float32 arrays differ in bits (the first few), and how many differ: tells -0 from 0 and NaNs apart. */
export function bitDifferences(actual: Float32Array, expected: Float32Array): { count: number; first: number[] } {
  const [a, b] = [actual, expected].map((values) => new Uint32Array(values.buffer, values.byteOffset, values.length));
  const first: number[] = [];
  let count = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      count++;
      if (first.length < 5) first.push(i);
    }
  }
  return { count, first };
}

/**
 * `fn` in a fresh copy of the modules (which instantiate their kernel once per copy) with
 * globalThis.WebAssembly replaced by `webAssembly`; the original is restored after.
 */
export async function inIsolatedModules<T>(webAssembly: unknown, fn: () => Promise<T>): Promise<T> {
  const saved = globalThis.WebAssembly;
  Object.defineProperty(globalThis, 'WebAssembly', { value: webAssembly, configurable: true, writable: true });
  try {
    let result: { value: T } | undefined;
    await jest.isolateModulesAsync(async () => {
      result = { value: await fn() };
    });
    return result!.value;
  } finally {
    Object.defineProperty(globalThis, 'WebAssembly', { value: saved, configurable: true, writable: true });
  }
}

/** WebAssembly with `members` in front (its own members are not enumerable, so no spread). */
export const webAssemblyWith = (members: Partial<typeof WebAssembly>): typeof WebAssembly => Object.assign(Object.create(WebAssembly), members);

/** A WebAssembly.Module that calls `onOurBinary` before compiling `binary` (jest's own module loading compiles wasm too). */
export function moduleSpy(binary: Buffer, onOurBinary: () => void): typeof WebAssembly.Module {
  return function (bytes: BufferSource) {
    if (Buffer.from(bytes as Uint8Array).equals(binary)) onOurBinary();
    return new WebAssembly.Module(bytes);
  } as unknown as typeof WebAssembly.Module;
}

/**
 * The tests of the fallback: with no WebAssembly, without SIMD (validate() refuses the module,
 * which is never compiled) and with compilation refused (tried once), the kernel is null and two
 * draws give the JavaScript draw's bits. `drawTwice` imports the modules itself (so that it gets
 * the fresh copy) and returns two draws and that copy's kernel; `reference` is the JavaScript draw.
 */
export function declareFallbackTests(kernelBase64: string, drawTwice: () => Promise<{ draws: Float32Array[]; kernel: unknown }>, reference: Float32Array): void {
  const ourBinary = Buffer.from(kernelBase64, 'base64');
  const isOurBinary = (bytes: BufferSource) => Buffer.from(bytes as Uint8Array).equals(ourBinary);
  const expectReference = (draws: Float32Array[]) => draws.forEach((draw) => expect(bitDifferences(draw, reference)).toEqual({ count: 0, first: [] }));

  test('no WebAssembly at all', async () => {
    const { draws, kernel } = await inIsolatedModules(undefined, drawTwice);
    expect(kernel).toBeNull();
    expect(draws).toHaveLength(2);
    expectReference(draws);
  });

  test('WebAssembly without SIMD: validate() refuses the module, which is never compiled', async () => {
    const compiled = jest.fn();
    const withoutSimd = webAssemblyWith({ validate: (bytes: BufferSource) => !isOurBinary(bytes) && WebAssembly.validate(bytes), Module: moduleSpy(ourBinary, compiled) });
    const { draws, kernel } = await inIsolatedModules(withoutSimd, drawTwice);
    expect(kernel).toBeNull();
    expect(compiled).not.toHaveBeenCalled();
    expect(draws).toHaveLength(2);
    expectReference(draws);
  });

  test('compilation refused (a Content-Security-Policy without wasm-unsafe-eval): tried once', async () => {
    const refused = jest.fn();
    const refusing = webAssemblyWith({
      Module: function (bytes: BufferSource) {
        if (!isOurBinary(bytes)) return new WebAssembly.Module(bytes);
        refused();
        throw new WebAssembly.CompileError("WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script");
      } as unknown as typeof WebAssembly.Module,
    });
    const { draws, kernel } = await inIsolatedModules(refusing, drawTwice);
    expect(kernel).toBeNull();
    expect(refused).toHaveBeenCalledTimes(1);
    expect(draws).toHaveLength(2);
    expectReference(draws);
  });
}

/** The tests of a committed binary module: it is its .wat compiled, and small enough for Chrome's main thread. */
export function declareCommittedBinaryTests(kernel: WasmKernel): void {
  const wat = basename(kernel.watPath);
  test(`is ${wat} compiled: ${basename(kernel.binaryModulePath)} is what npm run build:wasm writes`, async () => {
    const binary = await compileKernel(kernel);
    expect(readFileSync(kernel.binaryModulePath, 'utf8')).toBe(kernelModuleSource(kernel, binary));
  });

  test('is under 4 KiB, the most Chrome compiles synchronously on the main thread', async () => {
    expect((await compileKernel(kernel)).length).toBeLessThan(4096);
  });
}
