/**
 * The parity checks as one object: the Node suite calls them directly, the Chromium page
 * exposes them as `window.suite`, so both run the very same code on their backends.
 */
import { abortPendingCalls } from './abort_pending';
import { publicCallMemory } from './public_call_memory';
import { runReferenceCase } from './run_case';
import { deviceReadBacks } from './read_backs';
import { seededRun } from './seeded_run';

export const PARITY_FUNCTIONS = { runReferenceCase, publicCallMemory, deviceReadBacks, seededRun, abortPendingCalls };

export type ParityFunctions = typeof PARITY_FUNCTIONS;
