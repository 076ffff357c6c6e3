/**
 * The `tfjs-ddim` command line: flags read by commander, every mistake reported on one line
 * of stderr with exit code 2 (never a stack trace), runtime failures with exit code 1.
 */
import { Command, CommanderError, Option } from 'commander';
import { version } from '../../package.json';
import { BACKENDS, DATASETS, integerIn, nonNegativeNumber, pngPath, type SampleFlags } from './cli_options';
import { sampleCommand } from './sample_command';
import { UsageError } from './usage_error';

const NAME = 'tfjs-ddim';

/** Commander's messages can span lines (a suggestion follows on the next); ours take one. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

function buildProgram(onSample: (flags: SampleFlags) => void): Command {
  const program = new Command(NAME)
    .description('DDIM sampling with TensorFlow.js on data sets whose exact denoiser is known')
    .version(version)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${NAME}: ${oneLine(message)}\n`) });
  program
    .command('sample')
    .description('sample a built-in data set with DDIM and its exact denoiser; write a PNG and the samples (JSON)')
    .addOption(new Option('--dataset <name>', 'data set: 16x16 digit glyphs, or 8 Gaussians on a ring').choices(DATASETS).default('glyphs'))
    .option('--steps <N>', 'DDIM steps, an integer in [1, 1000]', integerIn(1, 1000), 50)
    .option('--eta <E>', 'weight of sigma_t (DDIM eq. 16): 0 is deterministic, 1 is DDPM-like', nonNegativeNumber, 0)
    .option('--seed <S>', 'seed of the noise (Nx/JAX threefry); batch c uses S + c', integerIn(0, Number.MAX_SAFE_INTEGER, '2^53 - 1'), 0)
    .option('--count <K>', 'samples in all (default: glyphs 64, ring 4000)', integerIn(1, 1_000_000))
    .option('--batch <B>', 'samples per run, for flat memory (default: glyphs 64, ring 4000)', integerIn(1, 1_000_000))
    .addOption(new Option('--backend <name>', 'tfjs backend (tensorflow needs @tensorflow/tfjs-node; webgpu, experimental in Node, needs webgpu and @tensorflow/tfjs-backend-webgpu)').choices(BACKENDS).default('cpu'))
    .option('--out <FILE.png>', 'the picture; the samples go beside it as FILE.samples.json (default: out/<dataset>.png)', pngPath)
    .option('--json', 'print one JSON object with the figures instead of text, and no progress bar', false)
    .action((flags: SampleFlags) => onSample(flags));
  return program;
}

/** Runs the command line on `args` (without node and the script) and returns the exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  if (args.length === 0) {
    process.stderr.write(`${NAME}: error: a command is needed: ${NAME} sample [options] (${NAME} sample --help lists them)\n`);
    return 2;
  }
  let flags: SampleFlags | undefined;
  try {
    await buildProgram((parsed) => (flags = parsed)).parseAsync(args as string[], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  if (!flags) return 0;
  try {
    await sampleCommand(flags);
    return 0;
  } catch (error) {
    process.stderr.write(`${NAME}: error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
