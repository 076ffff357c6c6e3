import { defineConfig } from 'tsup';

// The library: ESM and CommonJS with types. tfjs stays external (a peer dependency).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2020',
  platform: 'neutral',
  external: [/^@tensorflow\//],
});
