// The WebAssembly draw of torch's randn (src/random/torch/randn_simd.ts) against torch and
// against the JavaScript draw: every uniform through the kernel's Box-Muller, the fixture's
// streams, whole draws around the kernel's chunks and MT19937's twists, the fallbacks, and the
// committed binary against its source.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import { TORCH_RANDN_SIMD } from '../scripts/wasm_binary';
import { random } from '../src';
import { Mt19937, STATE_WORDS } from '../src/random/torch/mt19937';
import { randnValues } from '../src/random/torch/randn';
import { CHUNK_VALUES, simdTorchRandn, torchRandnKernel, VALUES_ADDRESS } from '../src/random/torch/randn_simd';
import { TORCH_RANDN_SIMD_WASM } from '../src/random/torch/randn_simd_binary';
import { bitsOf, comparable, expectedOf, fixture, scanBlocks, seedOf } from './helpers/torch_randn_fixture';
import { bitDifferences, declareCommittedBinaryTests, declareFallbackTests } from './helpers/wasm_kernel_specs';

/** fn with the kernel switched off (the JavaScript draw). */
function inJs<T>(fn: () => T): T {
  simdTorchRandn.enabled = false;
  try {
    return fn();
  } finally {
    simdTorchRandn.enabled = true;
  }
}

/** Sizes drawn in turn from seed, one after the other in one array. */
function drawAll(seed: number, sizes: number[]): Float32Array {
  const generator = random.torchGenerator(seed);
  const values = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const size of sizes) {
    values.set(generator.randnValues(size), offset);
    offset += size;
  }
  return values;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('the kernel runs here (Node has WebAssembly SIMD), so these tests compare two paths', () => {
  expect(torchRandnKernel()).not.toBeNull();
});

describe("every uniform through the kernel's Box-Muller block, against torch", () => {
  /** The kernel's normals on each chunk of blocks, in its memory. */
  const run = (blocks: Float32Array) => {
    const kernel = torchRandnKernel()!;
    const heap = new Float32Array(kernel.memory.buffer, VALUES_ADDRESS, blocks.length);
    heap.set(blocks);
    kernel.normals(VALUES_ADDRESS, blocks.length / 16);
    blocks.set(heap);
  };

  test('all 2^24 values of u1 (u2 = 0): the radius', () => {
    expect(scanBlocks('radius', CHUNK_VALUES / 16, run).first).toBe(fixture.exhaustive.radius.sha256);
  });

  test('all 2^24 values of u2: cos and sin', () => {
    const { first, second } = scanBlocks('angle', CHUNK_VALUES / 16, run);
    expect({ cos: first, sin: second }).toEqual({ cos: fixture.exhaustive.angle.cos_sha256, sin: fixture.exhaustive.angle.sin_sha256 });
  });
});

test.each(fixture.streams.map((stream, i) => [i, stream.seed] as const))("fixture stream %i (seed %s): torch's values", (i) => {
  const stream = fixture.streams[i];
  const generator = random.torchGenerator(seedOf(stream.seed));
  stream.shapes.forEach((shape, d) => {
    const values = generator.randnValues(shape.reduce((a, b) => a * b, 1));
    expect({ draw: d, ...comparable(values, stream.draws[d]) }).toEqual({ draw: d, ...expectedOf(stream.draws[d]) });
  });
});

describe('whole draws: the kernel and JavaScript give the same bits and leave the same stream', () => {
  // Around the kernel's chunk, MT19937's 624-word twist, and sizes that are not whole blocks.
  const sizes = [16, 17, 31, 32, 47, 623, 624, 625, 1248, 1249, CHUNK_VALUES - 1, CHUNK_VALUES, CHUNK_VALUES + 1, CHUNK_VALUES + 15, 2 * CHUNK_VALUES + 17, 262_144, 262_145];
  test.each([0, 42, 2 ** 31 + 7])('seed %i, one draw of each size in turn, with small draws between', (seed) => {
    // the small draws read the stream where each large one left it
    const turns = sizes.flatMap((size) => [size, 3]);
    expect(bitDifferences(drawAll(seed, turns), inJs(() => drawAll(seed, turns)))).toEqual({ count: 0, first: [] });
  });

  test("the engine's state and position after a draw are the JavaScript ones", () => {
    const advanced = (engine: Mt19937) => ({ state: Array.from(engine.state), index: engine.index });
    const drawn = () => {
      const stream = { engine: new Mt19937(11), cachedNormal: null };
      randnValues(stream, 1000);
      return advanced(stream.engine);
    };
    const withKernel = drawn();
    expect(withKernel).toEqual(inJs(drawn));
    // 1000 uniforms, then 16 more for the last block (1000 is not a multiple of 16): one twist
    // before the first word, one after 624
    expect(withKernel.index).toBe(1000 + 16 - STATE_WORDS);
  });

  test('randn gives the same tensor either way', async () => {
    const withKernel = random.torchGenerator(7).randn([3, 5, 7]);
    const withJs = inJs(() => random.torchGenerator(7).randn([3, 5, 7]));
    expect(bitsOf((await withKernel.data()) as Float32Array)).toEqual(bitsOf((await withJs.data()) as Float32Array));
    tf.dispose([withKernel, withJs]);
  });
});

describe('where the kernel cannot run, the draw is JavaScript, with the same values', () => {
  declareFallbackTests(
    TORCH_RANDN_SIMD_WASM,
    async () => {
      const { random: isolated } = await import('../src/random');
      const simd = await import('../src/random/torch/randn_simd');
      return { draws: [isolated.torchGenerator(3).randnValues(40), isolated.torchGenerator(3).randnValues(40)], kernel: simd.torchRandnKernel() };
    },
    inJs(() => random.torchGenerator(3).randnValues(40)),
  );
});

describe('the committed binary', () => {
  declareCommittedBinaryTests(TORCH_RANDN_SIMD);
});
