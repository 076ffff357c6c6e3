/**
 * Output files written whole or not at all: each goes to a temporary file beside it, and only
 * when every one of them is complete are they renamed onto their names (a rename within a
 * folder is atomic). A write that fails (a full disk, a file size limit, a folder that cannot
 * be written) removes the temporary files, so nothing is left that looks complete. A process
 * killed mid-write leaves a temporary file at most: its name starts with a dot (a shell glob
 * such as `out/*.json` passes it over) and ends in `.tmp`.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** A file to write: its name, and what writes its content to an open descriptor. */
export interface OutputFile {
  readonly path: string;
  write(fd: number): void;
}

/** Writes all of `text` (or bytes) at the descriptor's position. */
export function writeAll(fd: number, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${threadId}.tmp`);
}

/** Writes `file` to its temporary name; returns that name. A failure removes it and names the file. */
function stage(file: OutputFile): string {
  const temporary = temporaryName(file.path);
  let fd: number | null = null;
  try {
    fd = openSync(temporary, 'w');
    file.write(fd);
    closeSync(fd);
    fd = null;
    return temporary;
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temporary, { force: true });
    throw new Error(`cannot write ${file.path}: ${(error as Error).message}; nothing was written`);
  }
}

/** Writes every file, then renames them onto their names; on a failure none of them is written. */
export function writeFilesWhole(files: readonly OutputFile[]): void {
  const staged: string[] = [];
  try {
    for (const file of files) staged.push(stage(file));
  } catch (error) {
    for (const temporary of staged) rmSync(temporary, { force: true });
    throw error;
  }
  files.forEach((file, i) => {
    try {
      renameSync(staged[i], file.path);
    } catch (error) {
      for (const temporary of staged.slice(i)) rmSync(temporary, { force: true });
      const written = files.slice(0, i).map((done) => done.path);
      throw new Error(`cannot write ${file.path}: ${(error as Error).message}${written.length > 0 ? `; only ${written.join(' and ')} was written` : '; nothing was written'}`);
    }
  });
}
