import type { DdimStepCoefficients } from '../schedulers/ddim_coefficients';
import type { DdimUpdateFlags, DdimUpdateInputs, DdimUpdateResult } from '../schedulers/ddim_update';

/**
 * The DDIM update as one fused kernel of the active backend, or null when the backend has
 * none (the caller then runs the op chain). No backend has one yet.
 */
export function fusedDdimUpdate(_inputs: DdimUpdateInputs, _coefficients: DdimStepCoefficients, _flags: DdimUpdateFlags): DdimUpdateResult | null {
  return null;
}
