/** Node side: runs the parity checks in this process, on a backend of this process's tfjs. */
import { useBackend } from '../helpers/backends';
import type { ParityDriver } from './declare_parity_tests';
import { PARITY_FUNCTIONS } from './functions';

export const NODE_DRIVER: ParityDriver = {
  useBackend,
  call: async (name, ...args) => (PARITY_FUNCTIONS[name] as (...a: unknown[]) => unknown)(...args) as never,
};
