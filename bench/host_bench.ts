/**
 * The limits a step is measured against, on the host, with the step's own inputs and
 * coefficients: the update as one scalar JavaScript pass over typed arrays (in place, and as a
 * step that fills new arrays from the previous step's), the cpu kernel's float32 pass, the
 * copy of as many bytes as the update moves (memcpy), and the host-side noise draw
 * `random.normal(key, shape)` that a step with eta > 0 makes, by its WebAssembly SIMD kernel and
 * in JavaScript (the fallback, same bits), and torch's draw `random.torchGenerator(0).randn(shape)`
 * the same two ways. They are timed in the same rounds as the cpu backend's step (see
 * `benchSteps`).
 */
import { DdimScheduler, random } from '../src';
import { inputsOf, neededValues, uniformsOf } from '../src/kernels/combination';
import { compilePass } from '../src/kernels/cpu_pass';
import { simdNormals } from '../src/random/normal_simd';
import type { DdimStepCoefficients } from '../src/schedulers/ddim/coefficients';
import { ddimPlan } from '../src/schedulers/ddim/plan';
import { STEP_OPTIONS } from './config';
import { simdTorchRandn } from '../src/random/torch/randn_simd';
import type { StepSetup } from './step_bench';
import { withSwitchedOff } from './switches';
import type { Timed } from './timing';

/** Bytes one fused update moves: x, p, z read, x0 and x_{t-1} written, float32. */
export function bytesPerStep(size: number): number {
  return 5 * 4 * size;
}

/**
 * The pure-JavaScript limit: x0 = clip(dS x + dP p, ±c), x_{t-1} = a x0 + d p + sigma z (eps = p
 * for a noise prediction) in one loop specialized to this formula, in float64 rounded once on
 * store, into preallocated outputs; a function of its arrays, as any kernel is.
 */
function scalarPass(x: Float32Array, p: Float32Array, z: Float32Array, denoised: Float32Array, next: Float32Array, attrs: DdimStepCoefficients & { clipRange: number }): void {
  const { denoisedFromSample, denoisedFromPrediction, prevFromDenoised, prevFromNoise, sigma, clipRange } = attrs;
  const lower = -clipRange;
  const length = x.length;
  for (let i = 0; i < length; i++) {
    const pi = p[i];
    const x0 = Math.min(Math.max(denoisedFromSample * x[i] + denoisedFromPrediction * pi, lower), clipRange);
    denoised[i] = x0;
    next[i] = prevFromDenoised * x0 + prevFromNoise * pi + sigma * z[i];
  }
}

/**
 * The host variants (inputs read from the setup's tensors): scalarPass, into the same arrays
 * each time; scalarStep, chained as steps are (x_{t-1} becomes the next x) into new arrays, as
 * a tfjs step must since tensors are immutable; kernelPass (in place), copy; noiseDraw (the
 * WebAssembly kernel) and noiseDrawJs (the JavaScript fallback); torchDraw and torchDrawJs, the
 * same for torch's randn (one generator, its stream continuing from batch to batch).
 */
export function hostVariants(setup: StepSetup): Record<string, Timed> {
  const [x, p, z] = [setup.sample, setup.prediction, setup.noise].map((tensor) => tensor.dataSync() as Float32Array);
  const attrs = { ...setup.coefficients, clipRange: 1 };
  // The cpu kernel's compiled pass of the same update, called on the arrays directly.
  const { combination } = ddimPlan(new DdimScheduler(STEP_OPTIONS).options, setup.coefficients.timestep, setup.coefficients);
  const pass = compilePass(combination)!;
  const arrays: Record<string, Float32Array> = { sample: x, modelOutput: p, noise: z };
  const passInputs = inputsOf(combination).map((name) => arrays[name]);
  const uniforms = uniformsOf(neededValues(combination, combination.outputs));
  const denoised = new Float32Array(x.length);
  const next = new Float32Array(x.length);
  // The update reads 3 arrays and writes 2; copying 2.5 arrays reads and writes as many bytes.
  const copySource = new Float32Array(x.length * 2.5);
  const copyTarget = new Float32Array(x.length * 2.5);
  const prngKey = random.key(0);
  const torchGenerator = random.torchGenerator(0);
  const noiseDraw = (n: number) => {
    for (let i = 0; i < n; i++) random.normal(prngKey, setup.shape).sample.dispose();
  };
  const torchDraw = (n: number) => {
    for (let i = 0; i < n; i++) torchGenerator.randn(setup.shape).dispose();
  };
  return {
    scalarPass: (n) => {
      for (let i = 0; i < n; i++) scalarPass(x, p, z, denoised, next, attrs);
    },
    scalarStep: (n) => {
      let sample = x;
      for (let i = 0; i < n; i++) {
        const nextSample = new Float32Array(x.length);
        scalarPass(sample, p, z, new Float32Array(x.length), nextSample, attrs);
        sample = nextSample;
      }
    },
    kernelPass: (n) => {
      for (let i = 0; i < n; i++) pass(passInputs, [next, denoised], uniforms, null, x.length);
    },
    copy: (n) => {
      for (let i = 0; i < n; i++) copyTarget.set(copySource);
    },
    noiseDraw,
    noiseDrawJs: (n) => withSwitchedOff(simdNormals, () => noiseDraw(n)),
    torchDraw,
    torchDrawJs: (n) => withSwitchedOff(simdTorchRandn, () => torchDraw(n)),
  };
}
