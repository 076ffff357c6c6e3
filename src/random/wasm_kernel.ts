/**
 * A WebAssembly SIMD kernel compiled from its base64 binary on first use: the exports, or null
 * where the engine cannot run it (no WebAssembly, no SIMD128, a Content-Security-Policy without
 * 'wasm-unsafe-eval'), so that the caller computes the same bits in JavaScript instead.
 */
export function lazyWasmKernel<Exports>(base64: string): () => Exports | null {
  let exports: Exports | null | undefined;
  const instantiate = (): Exports | null => {
    if (typeof WebAssembly !== 'object') return null;
    try {
      const binary = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      // false where SIMD128 (or one of its instructions here) is not supported
      if (!WebAssembly.validate(binary)) return null;
      return new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports as unknown as Exports;
    } catch {
      // CompileError under a Content-Security-Policy without 'wasm-unsafe-eval', or any refusal
      return null;
    }
  };
  return () => {
    if (exports === undefined) exports = instantiate();
    return exports;
  };
}
