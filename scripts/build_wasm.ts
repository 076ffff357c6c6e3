/**
 * `npm run build:wasm`: compiles src/random/normal_simd.wat and writes
 * src/random/normal_simd_binary.ts. Run it after editing the .wat, and commit both.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BINARY_MODULE_PATH, binaryModuleSource, compileNormalSimd } from './wasm_binary';

async function main(): Promise<void> {
  const binary = await compileNormalSimd();
  writeFileSync(BINARY_MODULE_PATH, binaryModuleSource(binary));
  process.stdout.write(`${relative(process.cwd(), BINARY_MODULE_PATH)}: ${binary.length} bytes of wasm\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
