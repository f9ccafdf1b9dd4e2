/**
 * Compiles pipelines ahead of their first use with the async calls. In Chromium a pipeline made
 * with createComputePipeline / createRenderPipeline is compiled on the GPU process's main
 * thread, the thread that also composites the page; the async calls let Dawn compile on worker
 * threads. Both go through Dawn's pipeline cache (keyed by the descriptor's content), so the
 * sync creation at first use then finds the pipeline compiled. On SwiftShader, loading the page
 * moved 1.3-1.8 s of compiling off that thread (bench/README.md, twenty-seventh session). The
 * workers get no more CPU than that thread would have: worth it where the compile would otherwise
 * block the page, not as a way to finish sooner (a training run's 50 pipelines compiled ahead
 * while images decoded took 11-16 s there, against 4 s in place; not done).
 *
 * `build` runs kernel constructors on a stand-in device whose pipeline calls go async: the
 * pipelines it returns are placeholders, so `build` must only construct (and may destroy), never
 * use them. Everything else (layouts, modules, buffers) is made on the real device.
 */
export function compileAhead(device: GPUDevice, build: (ahead: GPUDevice) => void): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const ahead = new Proxy(device, {
    get(target, prop) {
      if (prop === 'createComputePipeline') {
        return (d: GPUComputePipelineDescriptor) => {
          pending.push(target.createComputePipelineAsync(d));
          return PLACEHOLDER;
        };
      }
      if (prop === 'createRenderPipeline') {
        return (d: GPURenderPipelineDescriptor) => {
          pending.push(target.createRenderPipelineAsync(d));
          return PLACEHOLDER;
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  try {
    build(ahead);
  } catch (e) {
    // Only an optimisation: what was not compiled here is compiled where it is first used.
    console.warn(`compileAhead: ${(e as Error).message}`);
  }
  // A pipeline that fails here fails again, with its error, where it is made for use.
  return Promise.allSettled(pending).then(() => undefined);
}

/** What `build` gets for a pipeline: nothing to draw or dispatch with. */
const PLACEHOLDER = Object.freeze({ label: 'compiled ahead (placeholder)' }) as unknown as GPUComputePipeline & GPURenderPipeline;
