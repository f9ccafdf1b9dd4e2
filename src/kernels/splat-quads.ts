/**
 * Sorted-quad splat drawing (shaders/splat_quads.wgsl): a render pipeline that draws one quad
 * per visible splat on GPUs, or the polygon table's triangles on CPU adapters (a non-instanced
 * triangle list), back to front, with premultiplied "over" blending into a colour target
 * cleared to the background. Group 0 is the camera uniform (visible to both
 * stages here), group 1 the quads, the depth order and the draw arguments.
 */
import { bindBuffers, bindGroupLayout } from '../gpu/pipeline';
import { createShaderModule } from '../gpu/wgsl';

const VERTEX_FRAGMENT = 0x1 | 0x2;

export class SplatQuadsKernel {
  readonly pipeline: GPURenderPipeline;
  readonly cameraLayout: GPUBindGroupLayout;
  readonly layout: GPUBindGroupLayout;

  constructor(
    private readonly device: GPUDevice,
    readonly format: GPUTextureFormat,
    /** 3: the polygon table's triangles (CPU adapters), 6: a quad per splat (kernel-shapes.ts splatVertices). */
    readonly splatVertices: 3 | 6,
  ) {
    this.cameraLayout = bindGroupLayout(device, 'SplatQuads.camera', ['uniform'], VERTEX_FRAGMENT);
    this.layout = bindGroupLayout(device, 'SplatQuads.layout', ['read', 'read', 'read'], 0x1);
    const module = createShaderModule(device, 'splat_quads.wgsl', 'SplatQuads');
    const over: GPUBlendComponent = { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' };
    this.pipeline = device.createRenderPipeline({
      label: 'SplatQuads',
      layout: device.createPipelineLayout({ label: 'SplatQuads', bindGroupLayouts: [this.cameraLayout, this.layout] }),
      vertex: { module, entryPoint: 'vs', constants: { SPLAT_VERTICES: splatVertices } },
      fragment: { module, entryPoint: 'fs', targets: [{ format, blend: { color: over, alpha: over } }] },
      primitive: { topology: 'triangle-list' },
    });
  }

  bindCamera(uniform: GPUBuffer): GPUBindGroup {
    return bindBuffers(this.device, 'SplatQuads.cameraGroup', this.cameraLayout, [uniform]);
  }

  /**
   * quads [N] SplatQuad by splat index (ProjectViewKernel); order: [N] u32 sort values nearest
   * first (quads) or [4N] u32 polygon table (triangles); drawArgs [8] u32.
   */
  bindAll(quads: GPUBuffer, order: GPUBuffer, drawArgs: GPUBuffer): GPUBindGroup {
    return bindBuffers(this.device, 'SplatQuads.bindings', this.layout, [quads, order, drawArgs]);
  }

  /** Records the draw into an open render pass whose target has this kernel's format. */
  draw(pass: GPURenderPassEncoder, camera: GPUBindGroup, group: GPUBindGroup, drawArgs: GPUBuffer): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, camera);
    pass.setBindGroup(1, group);
    pass.drawIndirect(drawArgs, 0);
  }
}
