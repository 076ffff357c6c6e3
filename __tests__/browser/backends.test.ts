// Backend parity in headless Chromium: the reference cases, leak and read-back checks of
// __tests__/parity on webgl, webgpu, wasm and cpu, then Bumblebee's loops on webgl with 16-bit
// float textures (what many phones give). The Node suite (__tests__/backends.test.ts) runs the
// same checks on cpu, wasm and tfjs-node.
import { join } from 'node:path';
import { f16Misses } from '../parity/compare';
import { declareParityTests, type ParityDriver } from '../parity/declare_parity_tests';
import { NODE_DRIVER } from '../parity/node_driver';
import { PrecisionReport } from '../parity/precision_report';
import { BUMBLEBEE_LOOPS } from '../parity/reference_cases';
import type { CaseOutcome } from '../parity/run_case';
import { browserUnavailable } from './helpers/chromium';
import { openTestPage, type TestPage } from './helpers/page';

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser suite skipped: ${unavailable}`);

(unavailable ? describe.skip : describe)('backend parity in headless Chromium', () => {
  let page: TestPage;
  const report = new PrecisionReport('Backend precision in headless Chromium (SwiftShader)', 'precision-chromium.md');
  beforeAll(async () => {
    page = await openTestPage(join(__dirname, 'pages', 'parity.ts'));
  });
  afterAll(async () => {
    report.write();
    await page?.close();
  });

  const pageDriver: ParityDriver = {
    useBackend: (name) => page.call('useBackend', name),
    call: (name, ...args) => page.call(name, ...args),
  };

  describe.each(['webgl', 'webgpu', 'wasm', 'cpu'])('%s backend', (backend) => {
    declareParityTests({ backend, driver: () => pageDriver, report });
  });

  describe('webgl backend with WEBGL_FORCE_F16_TEXTURES', () => {
    beforeAll(async () => {
      // The flag is read when the WebGL backend starts: begin from a fresh page.
      await page.reload();
      await page.call('useBackend', 'webgl', { WEBGL_FORCE_F16_TEXTURES: true });
      // The float32 loops to compare every element with: the same cases on cpu, in this process.
      await NODE_DRIVER.useBackend('cpu');
    });

    test('renders to 16-bit float textures', async () => {
      expect(await page.call('webglRendersFloat32')).toBe(false);
    });

    test.each(BUMBLEBEE_LOOPS.map((testCase) => [testCase.name, testCase] as const))('%s: sum, slice and every element within 5e-3', async (_, testCase) => {
      const outcome = await page.call<CaseOutcome>('runReferenceCase', testCase.name);
      report.add('webgl, 16-bit float textures', testCase, outcome);
      expect(f16Misses(testCase, outcome, await NODE_DRIVER.call('runReferenceCase', testCase.name))).toEqual([]);
    });
  });
});
