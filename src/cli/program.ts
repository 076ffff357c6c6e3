/**
 * The `tfjs-diffusion` command line (`tfjs-ddim` is the same program): flags read by commander,
 * every mistake reported on one line of stderr with exit code 2 (never a stack trace), runtime
 * failures (a missing optional package, a run that diverges, a file that cannot be written)
 * with exit code 1.
 */
import { Command, CommanderError, Option } from 'commander';
import { version } from '../../package.json';
import { SCHEDULERS } from '../schedulers/registry';
import { BACKENDS, DATASETS, GENERATORS, integerIn, nonNegativeNumber, pngPath, shapeList, shardSpec, type SampleFlags } from './cli_options';
import { mergeCommand, type MergeFlags } from './merge_command';
import { sampleCommand } from './sample_command';
import { DEFAULT_SCHEDULER } from './scheduler_choice';
import { schedulersCommand } from './schedulers_command';
import { UsageError } from './usage_error';

export const NAME = 'tfjs-diffusion';

/** Commander's messages can span lines (a suggestion follows on the next); ours take one. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

type Chosen = { command: 'sample'; flags: SampleFlags } | { command: 'merge'; files: string[]; flags: MergeFlags } | { command: 'schedulers' };

function buildProgram(choose: (chosen: Chosen) => void): Command {
  const program = new Command(NAME)
    .description('Diffusion sampling with TensorFlow.js: any scheduler of the package, on data sets whose exact denoiser is known or with your own tfjs model')
    .version(version)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${NAME}: ${oneLine(message)}\n`) });
  program
    .command('sample')
    .description('sample a built-in data set (exact denoiser) or a tfjs model; write a PNG and the samples (JSON)')
    .addOption(new Option('--scheduler <name>', `the scheduler (\`${NAME} schedulers\` lists them; default: ${DEFAULT_SCHEDULER}, or the config's class)`).choices(SCHEDULERS.map((entry) => entry.name)))
    .option('--scheduler-config <FILE>', "a diffusers scheduler_config.json: its _class_name picks the class unless --scheduler is given")
    .addOption(new Option('--dataset <name>', 'data set: 16x16 digit glyphs, or 8 Gaussians on a ring (default: glyphs, none with --model)').choices(DATASETS))
    .option('--model <MODEL.json>', 'a tfjs LayersModel or GraphModel taking (sample, timestep) and predicting what the scheduler expects')
    .option('--shape <H,W,C>', "one sample's shape for --model (default: the model's sample input)", shapeList)
    .option('--steps <N>', "steps, an integer in [1, 1000] (default: the scheduler's, e.g. 50 for ddim)", integerIn(1, 1000))
    .option('--eta <E>', "DDIM's weight of sigma_t (eq. 16): 0 is deterministic, 1 is DDPM-like (default: the scheduler's)", nonNegativeNumber)
    .option('--seed <S>', 'seed of the noise: sample i draws its own from S + i, whatever the batch, worker or shard', integerIn(0, Number.MAX_SAFE_INTEGER, '2^53 - 1'), 0)
    .addOption(new Option('--generator <name>', "the noise's stream: nx (Nx/JAX threefry, Bumblebee's) or torch (torch's CPU generator, diffusers' numbers)").choices(GENERATORS).default('nx'))
    .option('--count <K>', 'samples in all (default: glyphs 64, ring 4000, a model 16)', integerIn(1, 1_000_000))
    .option('--batch <B>', 'samples per sample() run, for flat memory (default: glyphs 64, ring 4000, a model 16; fewer to keep --workers N busy)', integerIn(1, 1_000_000))
    .option('--workers <N>', 'worker threads, each with its own tfjs and backend, taking batches from one queue (default: the cores, at most one per batch; 1 on tensorflow and webgpu)', integerIn(1, 1024))
    .option('--shard <I/N>', "sample only the samples i with i mod N = I, into FILE.shard-I-of-N.samples.json (no PNG; `merge` joins the N shards); a shard whose complete output is there is not sampled again", shardSpec)
    .addOption(new Option('--backend <name>', 'tfjs backend (wasm needs @tensorflow/tfjs-backend-wasm, tensorflow @tensorflow/tfjs-node; webgpu, experimental in Node, needs webgpu and @tensorflow/tfjs-backend-webgpu)').choices(BACKENDS).default('cpu'))
    .option('--out <FILE.png>', 'the picture; the samples go beside it as FILE.samples.json (default: out/<dataset or model>.png)', pngPath)
    .option('--json', 'print one JSON object with the figures instead of text, and no progress bar', false)
    .action((flags: SampleFlags) => choose({ command: 'sample', flags }));
  program
    .command('merge')
    .description('join the outputs of sample --shard I/N (all N shards of one run) into the files one run writes: the samples in order and the PNG')
    .argument('<shard-files...>', "the shards' samples files, e.g. out/glyphs.shard-*-of-4.samples.json")
    .option('--out <FILE.png>', "the picture; the samples go beside it as FILE.samples.json (default: the run's, e.g. out/glyphs.png)", pngPath)
    .option('--json', 'print one JSON object with the figures instead of text', false)
    .action((files: string[], flags: MergeFlags) => choose({ command: 'merge', files, flags }));
  program
    .command('schedulers')
    .description('list the schedulers, one line each: name, diffusers class, the steps it suits')
    .action(() => choose({ command: 'schedulers' }));
  return program;
}

/** Runs the command line on `args` (without node and the script) and returns the exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  if (args.length === 0) {
    process.stderr.write(`${NAME}: error: a command is needed: ${NAME} sample [options], ${NAME} merge SHARD_FILE... or ${NAME} schedulers (${NAME} --help says more)\n`);
    return 2;
  }
  let chosen: Chosen | undefined;
  try {
    await buildProgram((choice) => (chosen = choice)).parseAsync(args as string[], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  if (!chosen) return 0;
  try {
    if (chosen.command === 'schedulers') schedulersCommand();
    else if (chosen.command === 'merge') mergeCommand(chosen.files, chosen.flags);
    else await sampleCommand(chosen.flags);
    return 0;
  } catch (error) {
    process.stderr.write(`${NAME}: error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
