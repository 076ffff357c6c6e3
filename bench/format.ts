/** The text of the benchmark's tables: one layout, and the figures' formats. */

/** Columns padded to their widest cell, the first two (names) to the left, the figures to the right. */
export function table(header: string[], lines: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

/** A ratio of two figures: `1.53x`. */
export const ratio = (value: number) => `${value.toFixed(2)}x`;

/** Microseconds: no decimals from 100 up (either sign: an overhead may be negative), else one. */
export const micros = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1));
