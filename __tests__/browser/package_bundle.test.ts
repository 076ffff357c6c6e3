// The package in a browser app: its public entry (src/index.ts, and the built dist/index.mjs
// when present) bundles with esbuild for platform 'browser' with no polyfills and no Node
// built-in marked external, and loads and runs in Chromium.
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { browserUnavailable } from './helpers/chromium';
import { openTestPage, type TestPage } from './helpers/page';
import { PACKAGE_SOURCE_ENTRY } from './helpers/serve';

const builtEntry = join(__dirname, '..', '..', 'dist', 'index.mjs');
const entries: [string, string][] = [['src/index.ts', PACKAGE_SOURCE_ENTRY], ...(existsSync(builtEntry) ? [['dist/index.mjs', builtEntry] as [string, string]] : [])];
if (entries.length === 1) console.warn('dist/index.mjs is not built (npm run build): only the sources are bundled for the browser');

/** The names API.md promises at the package root. */
const PUBLIC_NAMES = ['DdimScheduler', 'DdimInverseScheduler', 'DdimState', 'random', 'sample'];

describe.each(entries)('%s in a browser bundle', (_, entry) => {
  test('bundles with platform browser, without polyfills, leaving nothing external', async () => {
    // esbuild fails the build on an import it cannot resolve for the browser (fs, path, ...).
    const result = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', target: 'es2020', write: false, metafile: true, logLevel: 'silent' });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || builtinModules.includes(input))).toEqual([]);
    expect(Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((imported) => imported.external))).toEqual([]);
  });
});

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser suite skipped: ${unavailable}`);

(unavailable ? describe.skip : describe)('the bundled package in headless Chromium', () => {
  let page: TestPage;
  beforeAll(async () => {
    page = await openTestPage(join(__dirname, 'pages', 'package_entry.ts'));
  });
  afterAll(() => page?.close());

  describe.each(entries)('imported from %s', (_, entry) => {
    beforeAll(() => page.open(join(__dirname, 'pages', 'package_entry.ts'), { packageEntry: entry }));

    test('loads without an error and exports the public names', async () => {
      expect(page.pageErrors).toEqual([]);
      expect(await page.call<string[]>('publicNames')).toEqual(expect.arrayContaining(PUBLIC_NAMES));
    });

    test('samples glyphs, leaving only what it hands out', async () => {
      expect(await page.call('sampleGlyphs')).toEqual({ shape: [2, 16, 16, 1], finite: true, leaked: 0 });
    });
  });
});
