/**
 * Jest side of WebGPU in Node: runs node_webgpu_child.ts under tsx and calls its functions over
 * the IPC channel (structured clone, so typed arrays and bigints arrive as they left).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ParityDriver } from './declare_parity_tests';

const ROOT = join(__dirname, '..', '..');
const CHILD = join(__dirname, 'node_webgpu_child.ts');
/** Node flags that run TypeScript (tsx's loader). */
const EXEC_ARGV = ['--import', 'tsx'];

/**
 * Why WebGPU cannot run in Node here, or null when Dawn gives an adapter. `.ci/run` sets
 * REQUIRE_NODE_WEBGPU=1, which turns a missing adapter into a failure instead of a skip.
 */
export function nodeWebGpuUnavailable(): string | null {
  let reason: string;
  try {
    const line = execFileSync(process.execPath, [...EXEC_ARGV, CHILD, '--probe'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
    const found = JSON.parse(line.trim().split('\n').pop() ?? '{}') as { error?: string };
    if (found.error === undefined) return null;
    reason = found.error;
  } catch (error) {
    reason = `the WebGPU probe failed: ${String((error as Error).message).split('\n')[0]}`;
  }
  if (process.env.REQUIRE_NODE_WEBGPU === '1') throw new Error(`REQUIRE_NODE_WEBGPU=1 but ${reason}`);
  return reason;
}

export interface ChildDriver extends ParityDriver {
  /** Any function of the child, by name (its extra checks besides the parity functions). */
  callAny<T>(name: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** Starts the WebGPU process. Dawn's warnings on its stderr are kept and shown only if it dies. */
export function startNodeWebGpu(): ChildDriver {
  const child: ChildProcess = fork(CHILD, [], { cwd: ROOT, execArgv: EXEC_ARGV, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  child.on('message', ({ id, value, error }: { id: number; value?: unknown; error?: string }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error === undefined) call?.resolve(value as never);
    else call?.reject(new Error(`in the webgpu process: ${error}`));
  });
  child.on('exit', (code, signal) => {
    for (const call of pending.values()) call.reject(new Error(`the webgpu process ended (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    pending.clear();
  });
  const callAny = <T>(name: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: never) => void, reject });
      child.send({ id, name, args });
    });
  return {
    useBackend: (name) => callAny('useBackend', name),
    call: (name, ...args) => callAny(name, ...args),
    callAny,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
