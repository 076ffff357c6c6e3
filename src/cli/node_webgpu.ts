/**
 * WebGPU in Node (experimental): Dawn, from the `webgpu` npm package (prebuilt inside its
 * tarball), as `navigator.gpu` for @tensorflow/tfjs-backend-webgpu. That backend registers only
 * if `navigator.gpu` exists when it is imported, so the globals go in first and the backend is
 * imported after (`loadNodeWebGpuBackend`).
 *
 * Dawn's adapters, best first: its default backend (Vulkan on Linux) with every WebGPU feature;
 * then OpenGL ES in compatibility mode, which Mesa's software GL provides on a machine without a
 * GPU (Debian: libegl1 libegl-mesa0 libgles2), headless through EGL's surfaceless platform.
 * Debian 12's lavapipe is too old for Dawn's Vulkan backend, so there the second one serves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { importOptional } from './optional_import';

/** Names in variables: optional packages, which neither TypeScript nor the bundler may resolve. */
const DAWN_PACKAGE = 'webgpu';
const WEBGPU_BACKEND_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** What this file uses of Dawn's GPU and GPUAdapter. */
interface DawnAdapter {
  readonly info: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string };
}
interface DawnGpu {
  requestAdapter(options?: object): Promise<DawnAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: object;
}

interface DawnRoute {
  readonly name: string;
  /** Flags of Dawn's `create`. */
  readonly flags: string[];
  /** Added to every requestAdapter of the tfjs backend. */
  readonly adapterOptions: object;
}

const ROUTES: readonly DawnRoute[] = [
  { name: "Dawn's default backend", flags: [], adapterOptions: {} },
  { name: 'OpenGL ES, compatibility mode', flags: ['backend=opengles'], adapterOptions: { featureLevel: 'compatibility' } },
];

export interface NodeWebGpu {
  /** The route that gave an adapter, and the adapter in words. */
  readonly route: string;
  readonly adapter: string;
}

function describeAdapter({ info }: DawnAdapter): string {
  return [info.description, info.device, info.vendor, info.architecture].filter((part) => part).join(', ') || 'an adapter that does not describe itself';
}

let installed: NodeWebGpu | null = null;

/**
 * Installs Dawn's globals (GPUBufferUsage, ...) and a `navigator.gpu` whose adapters come from
 * the first route that gives one. Throws when none does, saying what was tried.
 */
export async function installNodeWebGpu(): Promise<NodeWebGpu> {
  if (installed) return installed;
  process.env.EGL_PLATFORM ??= 'surfaceless'; // read by Mesa's EGL when Dawn opens it: no display needed
  const dawn = await importOptional<DawnModule>(DAWN_PACKAGE, 'WebGPU in Node');
  Object.assign(globalThis, dawn.globals);
  for (const route of ROUTES) {
    const gpu = dawn.create(route.flags);
    const adapter = await gpu.requestAdapter(route.adapterOptions);
    if (!adapter) continue;
    // The adapter found serves the first request (Dawn has one per route; tfjs asks only a
    // power preference): making an adapter costs ~0.1 s and, on GL, two warnings on stderr.
    let spare: DawnAdapter | null = adapter;
    const routed = {
      requestAdapter: async (options: object = {}) => {
        const first = spare;
        spare = null;
        return first ?? gpu.requestAdapter({ ...options, ...route.adapterOptions });
      },
    };
    // Node 21+ has a navigator without gpu; Node 20 has none.
    if (typeof globalThis.navigator === 'object' && globalThis.navigator !== null) {
      Object.defineProperty(globalThis.navigator, 'gpu', { value: routed, configurable: true });
    } else {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: routed }, configurable: true, writable: true });
    }
    installed = { route: route.name, adapter: describeAdapter(adapter) };
    return installed;
  }
  throw new Error(
    `Dawn found no WebGPU adapter (tried ${ROUTES.map((route) => route.name).join(', then ')}): ` +
      'without a GPU, install Mesa (Debian: apt-get install libegl1 libegl-mesa0 libgles2)',
  );
}

/** Installs WebGPU (above), then imports @tensorflow/tfjs-backend-webgpu, which registers 'webgpu'. */
export async function loadNodeWebGpuBackend(): Promise<NodeWebGpu> {
  const gpu = await installNodeWebGpu();
  await importOptional(WEBGPU_BACKEND_PACKAGE, '--backend webgpu');
  if (!tf.findBackendFactory('webgpu')) {
    throw new Error(`${WEBGPU_BACKEND_PACKAGE} was imported before navigator.gpu existed, or registered with another copy of @tensorflow/tfjs-core`);
  }
  return gpu;
}
