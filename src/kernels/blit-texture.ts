/** Draws a texture onto another of a different size, bilinear (shaders/blit_texture.wgsl). */
import { createShaderModule } from '../gpu/wgsl';

export class TextureBlitKernel {
  private readonly pipeline: GPURenderPipeline;
  private readonly layout: GPUBindGroupLayout;
  private readonly sampler: GPUSampler;
  private group: { view: GPUTextureView; group: GPUBindGroup } | undefined;

  constructor(private readonly device: GPUDevice, readonly format: GPUTextureFormat) {
    this.layout = device.createBindGroupLayout({
      label: 'TextureBlit.layout',
      entries: [
        { binding: 0, visibility: 0x2, texture: { sampleType: 'float' } }, // FRAGMENT
        { binding: 1, visibility: 0x2, sampler: { type: 'filtering' } },
      ],
    });
    const module = createShaderModule(device, 'blit_texture.wgsl', 'TextureBlit');
    this.pipeline = device.createRenderPipeline({
      label: 'TextureBlit',
      layout: device.createPipelineLayout({ label: 'TextureBlit', bindGroupLayouts: [this.layout] }),
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.sampler = device.createSampler({ label: 'TextureBlit.sampler', magFilter: 'linear', minFilter: 'linear' });
  }

  /** `source` is a view of a texture with TEXTURE_BINDING usage; reuse it across frames. */
  encode(encoder: GPUCommandEncoder, source: GPUTextureView, target: GPUTextureView): void {
    if (this.group?.view !== source) {
      this.group = {
        view: source,
        group: this.device.createBindGroup({
          label: 'TextureBlit.bindings',
          layout: this.layout,
          entries: [
            { binding: 0, resource: source },
            { binding: 1, resource: this.sampler },
          ],
        }),
      };
    }
    const pass = encoder.beginRenderPass({ label: 'TextureBlit', colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }] });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group.group);
    pass.draw(3);
    pass.end();
  }
}
