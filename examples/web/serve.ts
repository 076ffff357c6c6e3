/**
 * `npm run example:web`: bundles the example with esbuild as an app would (platform browser,
 * the tfjs wasm binaries emitted as files) and serves it on 127.0.0.1, printing the URL.
 * PORT picks the port (default 8000). The package resolves to its sources here; an app
 * installs 'tfjs-diffusion-schedulers' from npm instead.
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';

export interface ServedExample {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveExample(port: number): Promise<ServedExample> {
  const context = await esbuild.context({
    entryPoints: [join(__dirname, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: true,
    // Served from memory: with outdir inside servedir, esbuild writes nothing to disk.
    outdir: join(__dirname, 'dist'),
    publicPath: '/dist',
    loader: { '.wasm': 'file' },
    alias: { 'tfjs-diffusion-schedulers': join(__dirname, '..', '..', 'src', 'index.ts') },
    logLevel: 'error',
  });
  const served = await context.serve({ servedir: __dirname, host: '127.0.0.1', port });
  return { url: `http://127.0.0.1:${served.port}/`, close: () => context.dispose() };
}

if (require.main === module) {
  serveExample(Number(process.env.PORT ?? 8000)).then(
    ({ url }) => console.log(`DDIM glyphs example: ${url} (Ctrl-C to stop)`),
    (error) => {
      console.error(`could not serve the example: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
