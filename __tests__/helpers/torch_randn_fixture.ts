/**
 * fixtures/torch_randn.json (written by fixtures/torch_randn.py with torch itself) decoded for
 * the torch generator's specs, and the exhaustive scans of torch's 16-value Box-Muller block.
 */
import { createHash } from 'node:crypto';

import fixture from '../../fixtures/torch_randn.json';

export { fixture };

/** One recorded draw: all its values (base64 float32), or its sha256 with its first and last 16 values. */
export interface RecordedDraw {
  readonly values?: string;
  readonly sha256?: string;
  readonly head?: string;
  readonly tail?: string;
}

export const decodeValues = (base64: string): Float32Array => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
};

/** The bits of a float32 array, for comparisons that tell -0 from 0. */
export const bitsOf = (values: Float32Array): number[] => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

export const sha256Of = (values: Float32Array): string => createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');

/**
 * What a draw is to be compared by, from the draw itself: all values when the fixture has them
 * all, else the first and last 16 values (for a readable failure) and the sha256 of all. Equal
 * to `expectedOf(recorded)` exactly when the bits are torch's.
 */
export function comparable(values: Float32Array, recorded: RecordedDraw): object {
  if (recorded.values !== undefined) return { bits: bitsOf(values) };
  return { head: bitsOf(values.subarray(0, 16)), tail: bitsOf(values.subarray(values.length - 16)), sha256: sha256Of(values) };
}

export function expectedOf(recorded: RecordedDraw): object {
  if (recorded.values !== undefined) return { bits: bitsOf(decodeValues(recorded.values)) };
  return { head: bitsOf(decodeValues(recorded.head!)), tail: bitsOf(decodeValues(recorded.tail!)), sha256: recorded.sha256 };
}

/** A fixture seed (a decimal string) as the generator takes it: a number where safe, else a bigint. */
export function seedOf(text: string): number | bigint {
  const seed = BigInt(text);
  return Number.isSafeInteger(Number(seed)) ? Number(seed) : seed;
}

/** Lanes of a block: u1 in the first 8 values, u2 in the last 8. */
const LANES = 8;
const UNIFORMS = 2 ** 24;

/**
 * The fixture's exhaustive scans, through a block function that transforms `blocks` blocks of
 * 16 uniforms in place: "radius", every uniform k / 2^24 as u1 with u2 = 0; "angle", every
 * uniform as u2 with u1 = u1Word / 2^24. Blocks go `chunkBlocks` at a time through `run`; the
 * result is the sha256 of the first halves (radius and angle's cos) and of the second halves
 * (angle's sin), in order of the scanned uniform, as the fixture records them.
 */
export function scanBlocks(
  scan: 'radius' | 'angle',
  chunkBlocks: number,
  run: (blocks: Float32Array) => void,
): { first: string; second: string } {
  const u1Word = fixture.exhaustive.angle.u1_word;
  const first = createHash('sha256');
  const second = createHash('sha256');
  const blocks = new Float32Array(16 * chunkBlocks);
  const firstHalves = new Float32Array(LANES * chunkBlocks);
  const secondHalves = new Float32Array(LANES * chunkBlocks);
  for (let start = 0; start < UNIFORMS; start += LANES * chunkBlocks) {
    for (let block = 0; block < chunkBlocks; block++) {
      for (let lane = 0; lane < LANES; lane++) {
        const uniform = (start + LANES * block + lane) * 2 ** -24;
        blocks[16 * block + lane] = scan === 'radius' ? uniform : u1Word * 2 ** -24;
        blocks[16 * block + LANES + lane] = scan === 'radius' ? 0 : uniform;
      }
    }
    run(blocks);
    for (let block = 0; block < chunkBlocks; block++) {
      firstHalves.set(blocks.subarray(16 * block, 16 * block + LANES), LANES * block);
      secondHalves.set(blocks.subarray(16 * block + LANES, 16 * block + 16), LANES * block);
    }
    first.update(new Uint8Array(firstHalves.buffer));
    second.update(new Uint8Array(secondHalves.buffer));
  }
  return { first: first.digest('hex'), second: second.digest('hex') };
}
