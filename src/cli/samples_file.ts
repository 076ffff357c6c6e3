/**
 * The samples file: a JSON object ending in `"values":[...]}`, the samples flat and row-major;
 * `sample` writes `{ shape, values }` beside its PNG, a shard the run's description before them
 * (shard_output.ts). Written and read in pieces, so that millions of samples never make one
 * string (a V8 string holds at most 2^29 characters, some 50 million values). The text is what
 * `JSON.stringify({ ...header, values: Array.from(values) })` gives, byte for byte.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import * as tf from '@tensorflow/tfjs-core';
import { writeAll } from './staged_files';

const VALUES_KEY = ',"values":[';
/** Values per piece written: some 1 MB of text. */
const WRITE_PIECE = 1 << 16;
const READ_PIECE = 1 << 20;

/** Writes `header` (an object with at least `shape`), then `values`, to the descriptor. */
export function writeSamples(fd: number, header: { shape: readonly number[] }, values: Float32Array): void {
  const opening = JSON.stringify(header);
  writeAll(fd, `${opening.slice(0, -1)}${VALUES_KEY}`);
  for (let start = 0; start < values.length; start += WRITE_PIECE) {
    const piece = JSON.stringify(Array.from(values.subarray(start, start + WRITE_PIECE))).slice(1, -1);
    writeAll(fd, start === 0 ? piece : `,${piece}`);
  }
  writeAll(fd, ']}');
}

/** Pieces of a file's text, in order. */
function* textPieces(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(READ_PIECE);
    const decoder = new StringDecoder('utf8');
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) yield decoder.write(buffer.subarray(0, read));
    yield decoder.end();
  } finally {
    closeSync(fd);
  }
}

/** A samples file written by `writeSamples`: its header (every key but values) and its values; a damaged or cut file throws, saying so. */
export function readSamples(path: string): { header: Record<string, unknown> & { shape: number[] }; values: Float32Array } {
  const damaged = (what: string) => new Error(`${path} is not a complete samples file (${what})`);
  const pieces = textPieces(path);
  let text = '';
  let at = -1;
  while (at < 0) {
    const piece = pieces.next();
    if (piece.done) throw damaged('no "values" after its header');
    text += piece.value;
    at = text.indexOf(VALUES_KEY);
  }
  let header: Record<string, unknown> & { shape: number[] };
  try {
    header = JSON.parse(`${text.slice(0, at)}}`);
  } catch (error) {
    throw damaged(`its header is not JSON: ${(error as Error).message}`);
  }
  const shape = header.shape;
  if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size >= 0)) throw damaged('no shape');
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  let count = 0;
  let rest = text.slice(at + VALUES_KEY.length);
  let after: string | null = null;
  for (;;) {
    const close = rest.indexOf(']');
    const tokens = (close < 0 ? rest : rest.slice(0, close)).split(',');
    if (close < 0) rest = tokens.pop()!;
    else after = rest.slice(close + 1);
    for (const token of tokens) {
      if (token === '' && close >= 0 && tokens.length === 1 && count === 0) break; // []
      const value = Number(token);
      if (token.trim() === '' || !Number.isFinite(value)) throw damaged(`value ${count} is ${JSON.stringify(token.slice(0, 20))}`);
      if (count === values.length) throw damaged(`more values than its shape [${shape.join(', ')}] holds`);
      values[count++] = value;
    }
    if (after !== null) break;
    const piece = pieces.next();
    if (piece.done) throw damaged(`it ends after ${count} values`);
    rest += piece.value;
  }
  for (let piece = pieces.next(); !piece.done; piece = pieces.next()) after += piece.value;
  if (after.trim() !== '}') throw damaged('text after its values');
  if (count !== values.length) throw damaged(`${count} values, its shape [${shape.join(', ')}] holds ${values.length}`);
  return { header, values };
}
