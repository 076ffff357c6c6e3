import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates `directory` and its missing parents, one level at a time. Node's own
 * `mkdirSync(dir, { recursive: true })` never returns for a path under a pseudo file system
 * such as /proc (it retries forever); creating each level without `recursive` fails at once
 * with the operating system's error instead.
 */
export function makeOutputDirectory(directory: string): void {
  const missing: string[] = [];
  for (let current = directory; !existsSync(current); current = dirname(current)) {
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing.reverse()) mkdirSync(level);
}
