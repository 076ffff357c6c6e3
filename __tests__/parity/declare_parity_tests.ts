/**
 * The jest side of the parity suite, declared once for every backend, in Node or in Chromium:
 * a driver runs the checks of functions.ts where the backend lives, and the assertions happen
 * here on the numbers it returns.
 */
import { referenceMisses } from './compare';
import type { ParityFunctions } from './functions';
import type { PrecisionReport } from './precision_report';
import { memoryMisses } from './public_call_memory';
import { REFERENCE_CASES } from './reference_cases';
import seeded from '../../fixtures/seeded_ddim_eta1.json';
import bumblebee from '../../fixtures/bumblebee_ddim.json';

/** Runs the checks where the backend lives: in this process, or in a Chromium page. */
export interface ParityDriver {
  useBackend(name: string): Promise<unknown>;
  call<Name extends keyof ParityFunctions>(name: Name, ...args: Parameters<ParityFunctions[Name]>): Promise<Awaited<ReturnType<ParityFunctions[Name]>>>;
}

export interface ParityTestOptions {
  /** The backend to start (also the label in test names and in the precision report). */
  backend: string;
  /** The driver, once the suite's beforeAll has made it. */
  driver: () => ParityDriver;
  report: PrecisionReport;
}

export function declareParityTests({ backend, driver, report }: ParityTestOptions): void {
  beforeAll(() => driver().useBackend(backend));

  test.each(REFERENCE_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_, testCase) => {
    const outcome = await driver().call('runReferenceCase', testCase.name);
    report.add(backend, testCase, outcome);
    expect(referenceMisses(testCase, outcome)).toEqual([]);
  });

  test('every public call makes exactly the tensors it hands out, and a run leaves none', async () => {
    const records = await driver().call('publicCallMemory');
    expect(records.length).toBeGreaterThan(10);
    expect(memoryMisses(records)).toEqual([]);
  });

  test('step, and addNoise and getVelocity with device timesteps, never read a tensor back to the host', async () => {
    const { duringSteps, duringNoising, control } = await driver().call('deviceReadBacks');
    expect(control).toBeGreaterThan(0);
    expect({ duringSteps, duringNoising }).toEqual({ duringSteps: 0, duringNoising: 0 });
  });

  test('an abort while the denoiser or onStep is pending rejects within a turn or two, and leaks nothing', async () => {
    const outcomes = await driver().call('abortPendingCalls');
    expect(outcomes.length).toBeGreaterThan(5);
    for (const outcome of outcomes) expect({ ...outcome, turns: outcome.turns <= 2 }).toEqual({ label: outcome.label, outcome: 'AbortError', turns: true, leaked: 0 });
  });

  test('seed 0: the same noise and the same eta = 1 run, to the bit, as on every other backend', async () => {
    const outcome = await driver().call('seededRun');
    const checkValues = bumblebee.nx_random.key0_normal_first6;
    outcome.normals.forEach((value, i) => expect(Math.abs(value - checkValues[i])).toBeLessThanOrEqual(2e-6));
    expect(outcome.normals).toEqual(seeded.normals_key0_6);
    expect(outcome.nextKey).toEqual(seeded.next_key);
    expect(outcome.runs[1]).toEqual(outcome.runs[0]);
    expect(outcome.runs[0]).toEqual(seeded.ddim_eta1_seed0_10_steps.values);
    expect(outcome.leaked).toBe(0);
  });
}
