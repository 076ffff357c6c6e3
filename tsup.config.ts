import { defineConfig } from 'tsup';

export default defineConfig([
  // The library: ESM and CommonJS with types. tfjs stays external (a peer dependency).
  // The clean spares the CLI's files, which the second build writes at the same time.
  // keepNames: classes keep their names (`DdimScheduler`, not `_DdimScheduler`) in messages and logs.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: ['!cli.js', '!cli.js.map'],
    target: 'es2020',
    platform: 'neutral',
    external: [/^@tensorflow\//],
    keepNames: true,
  },
  // The `tfjs-diffusion` command, alias `tfjs-ddim` (package.json `bin`): one CommonJS file for
  // Node, shebang kept from src/cli/main.ts; tfjs and the dependencies (commander, cli-progress,
  // pngjs) stay external, and the backends and model packages are imported only when a flag asks.
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['cjs'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    external: [/^@tensorflow\//],
    keepNames: true,
  },
]);
