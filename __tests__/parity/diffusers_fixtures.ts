/** The full-array fixtures of fixtures/diffusers, by family, for the parity cases of every scheduler. */
import dpmSolver from '../../fixtures/diffusers/dpm_solver.json';
import euler from '../../fixtures/diffusers/euler.json';
import eulerAncestral from '../../fixtures/diffusers/euler_ancestral.json';
import flowMatchEuler from '../../fixtures/diffusers/flow_match_euler.json';
import lcm from '../../fixtures/diffusers/lcm.json';
import pndm from '../../fixtures/diffusers/pndm.json';
import tcd from '../../fixtures/diffusers/tcd.json';
import unipc from '../../fixtures/diffusers/unipc.json';
import type { DiffusersCase, DiffusersFixture } from '../helpers/fixture_arrays';

export const DIFFUSERS_FIXTURES: Readonly<Record<string, DiffusersFixture>> = {
  pndm: pndm as unknown as DiffusersFixture,
  lcm: lcm as unknown as DiffusersFixture,
  tcd: tcd as unknown as DiffusersFixture,
  euler: euler as unknown as DiffusersFixture,
  euler_ancestral: eulerAncestral as unknown as DiffusersFixture,
  dpm_solver: dpmSolver as unknown as DiffusersFixture,
  unipc: unipc as unknown as DiffusersFixture,
  flow_match_euler: flowMatchEuler as unknown as DiffusersFixture,
};

/** A case of a family's fixture, by name. */
export function diffusersCase(family: string, name: string): DiffusersCase {
  const found = DIFFUSERS_FIXTURES[family]?.cases.find((entry) => entry.name === name);
  if (found === undefined) throw new Error(`fixtures/diffusers/${family}.json has no case named ${JSON.stringify(name)}`);
  return found;
}
