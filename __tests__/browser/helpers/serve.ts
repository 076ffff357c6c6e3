/**
 * Bundles a page entry as a user's app would (esbuild, platform browser, no Node polyfills)
 * and serves it with the tfjs wasm binaries on 127.0.0.1.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

export interface ServedPage {
  /** The page's address, http://127.0.0.1:PORT/ */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** What `import 'tfjs-diffusion-schedulers'` bundles: the sources (default) or e.g. dist/index.mjs. */
  packageEntry?: string;
}

/** The package's sources, which the pages import as 'tfjs-diffusion-schedulers' by default. */
export const PACKAGE_SOURCE_ENTRY = join(__dirname, '..', '..', '..', 'src', 'index.ts');

/** The folder holding tfjs-backend-wasm's .wasm files, served beside the page. */
function wasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm'));
}

export async function servePage(entry: string, title = 'tfjs-diffusion-schedulers test page', { packageEntry = PACKAGE_SOURCE_ENTRY }: ServeOptions = {}): Promise<ServedPage> {
  const root = mkdtempSync(join(tmpdir(), 'tfjs-ddim-page-'));
  await esbuild.build({
    entryPoints: { page: entry },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outdir: root,
    logLevel: 'error',
    alias: { 'tfjs-diffusion-schedulers': packageEntry },
  });
  for (const file of readdirSync(wasmDir()).filter((name) => name.endsWith('.wasm'))) copyFileSync(join(wasmDir(), file), join(root, file));
  writeFileSync(join(root, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${title}</title><body><script type="module" src="page.js"></script></body>`);
  const context = await esbuild.context({ logLevel: 'error' });
  const { port } = await context.serve({ servedir: root, host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await context.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
