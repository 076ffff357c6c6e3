/** `tfjs-diffusion schedulers`: every scheduler of the registry, one line each. */
import { SCHEDULERS } from '../schedulers/registry';
import { DEFAULT_SCHEDULER } from './scheduler_choice';

/** The lines: the `--scheduler` name, the diffusers class whose configs it reads, and what it suits; columns aligned. */
function schedulerLines(): string[] {
  const names = SCHEDULERS.map((entry) => (entry.name === DEFAULT_SCHEDULER ? `${entry.name} (default)` : entry.name));
  const nameWidth = Math.max(...names.map((name) => name.length));
  const classWidth = Math.max(...SCHEDULERS.map((entry) => entry.diffusersClass.length));
  return SCHEDULERS.map((entry, i) => `${names[i].padEnd(nameWidth)}  ${entry.diffusersClass.padEnd(classWidth)}  ${entry.suits}`);
}

export function schedulersCommand(): void {
  process.stdout.write(`${schedulerLines().join('\n')}\n`);
}
