/**
 * The parity checks as one object: the Node suite calls them directly, the Chromium page
 * exposes them as `window.suite`, so both run the very same code on their backends.
 */
import { publicCallMemory } from './public_call_memory';
import { runReferenceCase } from './run_case';
import { stepReadBacks } from './step_read_backs';

export const PARITY_FUNCTIONS = { runReferenceCase, publicCallMemory, stepReadBacks };

export type ParityFunctions = typeof PARITY_FUNCTIONS;
