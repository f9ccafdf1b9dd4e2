/**
 * A GPUDevice that records every pipeline descriptor it is given, by content (the shader
 * module's source in place of the module, the layout's label in place of the layout): what
 * test/render and test/train's compile-ahead tests compare.
 */
type Kind = 'sync' | 'async';

export function recordingDevice(device: GPUDevice): { device: GPUDevice; made: Record<Kind, string[]> } {
  const code = new Map<GPUShaderModule, string>();
  const made: Record<Kind, string[]> = { sync: [], async: [] };
  const key = (d: GPUComputePipelineDescriptor | GPURenderPipelineDescriptor): string =>
    JSON.stringify(d, (k, v: unknown) => {
      if (k === 'module') return code.get(v as GPUShaderModule) ?? 'unknown module';
      if (k === 'layout') return (v as GPUPipelineLayout).label;
      return v;
    });
  const proxy = new Proxy(device, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const f = (v as (...a: unknown[]) => unknown).bind(target);
      if (prop === 'createShaderModule') {
        return (d: GPUShaderModuleDescriptor) => {
          const m = f(d) as GPUShaderModule;
          code.set(m, d.code);
          return m;
        };
      }
      const kind: Kind | undefined =
        prop === 'createComputePipeline' || prop === 'createRenderPipeline' ? 'sync' : prop === 'createComputePipelineAsync' || prop === 'createRenderPipelineAsync' ? 'async' : undefined;
      if (!kind) return f;
      return (d: GPUComputePipelineDescriptor | GPURenderPipelineDescriptor) => {
        made[kind].push(`${String(prop).replace('Async', '')} ${key(d)}`);
        return f(d);
      };
    },
  });
  return { device: proxy, made };
}
