/**
 * `npm run build:wasm`: compiles each kernel's .wat (src/random/normal_simd.wat,
 * src/random/torch/randn_simd.wat) and writes its binary module (normal_simd_binary.ts,
 * randn_simd_binary.ts). Run it after editing a .wat, and commit both.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { compileKernel, kernelModuleSource, WASM_KERNELS } from './wasm_binary';

async function main(): Promise<void> {
  for (const kernel of WASM_KERNELS) {
    const binary = await compileKernel(kernel);
    writeFileSync(kernel.binaryModulePath, kernelModuleSource(kernel, binary));
    process.stdout.write(`${relative(process.cwd(), kernel.binaryModulePath)}: ${binary.length} bytes of wasm\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
