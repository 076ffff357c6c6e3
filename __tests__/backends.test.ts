// Backend parity in Node: the reference cases, leak and read-back checks of __tests__/parity
// on cpu, wasm and, when @tensorflow/tfjs-node loads, tensorflow, in this process; and on webgpu
// through Dawn (experimental), in a child process, with the fused kernels checked there too.
// The Chromium suite (__tests__/browser/backends.test.ts) runs the same checks on webgl, webgpu,
// wasm and cpu.
import { declareParityTests } from './parity/declare_parity_tests';
import { nodeBackends } from './parity/node_backends';
import { NODE_DRIVER } from './parity/node_driver';
import { startNodeWebGpu, type ChildDriver } from './parity/node_webgpu_driver';
import { PrecisionReport } from './parity/precision_report';
import type { AgreementReport } from './browser/helpers/kernels_cases';

const { inProcess, webgpu, skipped } = nodeBackends();
for (const [backend, reason] of Object.entries(skipped)) console.warn(`${backend} backend skipped: ${reason}`);

const report = new PrecisionReport('Backend precision in Node', 'precision-node.md');
afterAll(() => report.write());

describe.each(inProcess)('%s backend', (backend) => {
  declareParityTests({ backend, driver: () => NODE_DRIVER, report });
});

(webgpu ? describe : describe.skip)('webgpu backend (Dawn in Node)', () => {
  let child: ChildDriver;
  beforeAll(() => {
    child = startNodeWebGpu();
  });
  afterAll(() => child?.close());

  declareParityTests({ backend: 'webgpu', driver: () => child, report });

  test('the fused update gives the op chain\'s numbers on every case of the kernel suite, leaking nothing', async () => {
    const agreement = await child.callAny<AgreementReport & { fused: boolean }>('kernelAgreement');
    expect(agreement).toMatchObject({ backend: 'webgpu', fused: true, failures: [], leakedTensors: 0 });
    expect(agreement.cases).toBeGreaterThan(100);
  }, 300000);

  test('a step is 2 dispatches (the fused kernels), not the op chain\'s 9', async () => {
    expect(await child.callAny<number | null>('stepPrograms')).toBe(2);
  });
});
