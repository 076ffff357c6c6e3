// Backend parity in Node: the reference cases, leak and read-back checks of __tests__/parity
// on cpu, wasm and, when @tensorflow/tfjs-node loads, tensorflow. The Chromium suite
// (__tests__/browser/backends.test.ts) runs the same checks on webgl, webgpu, wasm and cpu.
import { declareParityTests } from './parity/declare_parity_tests';
import { nodeBackends } from './parity/node_backends';
import { NODE_DRIVER } from './parity/node_driver';
import { PrecisionReport } from './parity/precision_report';

const { backends, tensorflowSkipped } = nodeBackends();
if (tensorflowSkipped) console.warn(`tensorflow backend skipped: ${tensorflowSkipped}`);

const report = new PrecisionReport('Backend precision in Node', 'precision-node.md');
afterAll(() => report.write());

describe.each(backends)('%s backend', (backend) => {
  declareParityTests({ backend, driver: () => NODE_DRIVER, report });
});
