// examples/kubernetes: the Indexed Job and the merge Job are valid YAML and agree with each other
// and with the command (the shard count, the flags, the shards' file names, the volume); the
// same run on one machine (shards_on_one_machine.sh: N shard processes under xargs -P, then
// merge) writes the files one run writes, byte for byte.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { shardFileOf } from '../src/cli/shard_output';
import { useBackend } from './helpers/backends';
import { ROOT, runCliInProcess } from './helpers/cli_runs';

const EXAMPLE = join(ROOT, 'examples', 'kubernetes');
const outDir = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-kubernetes-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
beforeAll(() => useBackend('cpu'));

/** The kinds of Kubernetes objects the test reads, as far as it reads them. */
interface Container {
  args?: string[];
  command?: string[];
  env?: Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string }; resourceFieldRef?: { resource: string; divisor: string } } }>;
  resources: { limits: Record<string, string> };
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: { spec: { restartPolicy: string; containers: Container[]; volumes: Array<{ name: string; persistentVolumeClaim: { claimName: string } }> } };
  };
}

/** Every document of a manifest file, parsed strictly: any YAML error or warning fails. */
function manifests(file: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(join(EXAMPLE, file), 'utf8'), { strict: true, uniqueKeys: true });
  if (!Array.isArray(documents)) throw new Error(`${file}: not a stream of YAML documents`);
  return documents.map((document, i) => {
    expect([file, i, document.errors.map(String), document.warnings.map(String)]).toEqual([file, i, [], []]);
    return document.toJS() as Manifest;
  });
}

describe('the Kubernetes manifests', () => {
  const [claim, sampling] = manifests('sample-job.yaml');
  const [merging] = manifests('merge-job.yaml');
  const container = sampling.spec.template.spec.containers[0];
  const args = container.args!;
  const valueOf = (flag: string) => args[args.indexOf(flag) + 1];
  const shards = sampling.spec.completions!;

  test('an Indexed Job of N completions, one shard each: --shard $(SHARD_INDEX)/N, the index from its annotation', () => {
    expect([claim.kind, sampling.kind, merging.kind]).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    expect(sampling.spec.completionMode).toBe('Indexed');
    expect(sampling.spec.parallelism).toBeLessThanOrEqual(shards);
    expect(sampling.spec.template.spec.restartPolicy).toBe('Never');
    expect(valueOf('--shard')).toBe(`$(SHARD_INDEX)/${shards}`);
    const env = Object.fromEntries(container.env!.map((variable) => [variable.name, variable.valueFrom]));
    expect(env.SHARD_INDEX?.fieldRef?.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    // One worker thread per CPU of the pod's limit.
    expect(valueOf('--workers')).toBe('$(CPUS)');
    expect(env.CPUS?.resourceFieldRef).toEqual({ resource: 'limits.cpu', divisor: '1' });
    expect(container.resources.limits.cpu).toMatch(/^\d+$/);
  });

  test("the sampling Job's flags are flags of tfjs-diffusion sample, their values valid", async () => {
    const { stdout } = await runCliInProcess(['sample', '--help']);
    for (const flag of args.filter((arg) => arg.startsWith('--'))) expect([flag, stdout.includes(`${flag} `) || stdout.includes(`${flag}\n`)]).toEqual([flag, true]);
    // Run as the command runs them, for the last shard, one CPU, on cpu, the count cut to a short run.
    const concrete = args.map((arg) => arg.replace('$(SHARD_INDEX)', String(shards - 1)).replace('$(CPUS)', '1'));
    const count = concrete.indexOf('--count') + 1;
    concrete[count] = String(shards + 1);
    concrete[concrete.indexOf('--out') + 1] = join(outDir, 'manifest', 'glyphs.png');
    concrete[concrete.indexOf('--backend') + 1] = 'cpu';
    const run = await runCliInProcess([...concrete, '--steps', '2']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(JSON.parse(run.stdout)).toMatchObject({ shard: `${shards - 1}/${shards}`, count: shards + 1 });
  });

  test("the merge Job reads the sampling Job's shard files from the same volume", () => {
    const mergeContainer = merging.spec.template.spec.containers[0];
    const script = mergeContainer.command!.join(' ');
    expect(script).toContain(`tfjs-diffusion merge ${shardFileOf(valueOf('--out'), { index: '*', count: shards })}`);
    for (const job of [sampling, merging]) {
      const { volumes, containers } = job.spec.template.spec;
      expect(volumes.map((volume) => volume.persistentVolumeClaim.claimName)).toEqual([claim.metadata.name]);
      expect(containers[0].volumeMounts).toEqual([{ name: volumes[0].name, mountPath: '/samples' }]);
    }
    expect(valueOf('--out').startsWith('/samples/')).toBe(true);
  });
});

describe('on one machine', () => {
  test('shards_on_one_machine.sh: 3 shards in 3 processes (xargs -P), merged: the samples file and PNG of one run', async () => {
    const flags = ['--scheduler', 'euler-ancestral', '--count', '7', '--steps', '6', '--seed', '4'];
    const reference = await runCliInProcess(['sample', ...flags, '--workers', '1', '--out', join(outDir, 'one', 'glyphs.png')]);
    expect(reference.code).toBe(0);
    const env = { ...process.env, OUT: join(outDir, 'sharded', 'glyphs.png'), SHARDS: '3', TFJS_DIFFUSION: `${join(ROOT, 'node_modules', '.bin', 'tsx')} src/cli/main.ts` };
    const script = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(join(EXAMPLE, 'shards_on_one_machine.sh'), flags, { cwd: ROOT, env }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
    });
    expect(script).toEqual({ code: 0, stderr: '' });
    for (const file of ['glyphs.samples.json', 'glyphs.png']) {
      expect([file, readFileSync(join(outDir, 'sharded', file)).equals(readFileSync(join(outDir, 'one', file)))]).toEqual([file, true]);
    }
  });
});
