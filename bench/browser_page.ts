/** The benchmark's Chromium page: the step figures of a GPU backend, bundled and served by the test harness. */
import { useBackend } from '../__tests__/browser/pages/backends';
import { benchAroundModel } from './around_model';
import { SHAPES } from './config';
import { benchDeviceCopy, benchMemory, benchSteps } from './step_bench';
import type { TimingBudget } from './timing';

async function bench(backend: string, budget: TimingBudget, isQuick: boolean) {
  await useBackend(backend);
  const steps = await benchSteps(SHAPES, budget);
  const copyUs = [];
  for (const shape of SHAPES) copyUs.push(await benchDeviceCopy(shape, budget));
  const memory = await benchMemory(SHAPES[0]);
  return { steps, copyUs, memory, ...(await benchAroundModel(isQuick)) };
}

(window as unknown as { suite: object }).suite = { bench };
