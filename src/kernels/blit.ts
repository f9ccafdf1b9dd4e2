/** Draws a rendered [H, W, 4] f32 image buffer onto a texture (shaders/blit.wgsl). */
import { createShaderModule } from '../gpu/wgsl';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { type FieldsOf, UniformStruct } from '../gpu/struct-layout';
import { BLIT_PARAMS } from './layouts';

export class BlitKernel {
  private readonly pipeline: GPURenderPipeline;
  private readonly layout: GPUBindGroupLayout;
  private readonly params: UniformStruct<FieldsOf<typeof BLIT_PARAMS>>;
  private readonly groups = new BindGroupCache();

  constructor(private readonly device: GPUDevice, readonly format: GPUTextureFormat) {
    this.layout = device.createBindGroupLayout({
      label: 'Blit.layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'read-only-storage' } },
      ],
    });
    const module = createShaderModule(device, BLIT_PARAMS.file, 'Blit');
    this.pipeline = device.createRenderPipeline({
      label: 'Blit',
      layout: device.createPipelineLayout({ label: 'Blit', bindGroupLayouts: [this.layout] }),
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.params = new UniformStruct(device, 'Blit.params', BLIT_PARAMS);
  }

  encode(encoder: GPUCommandEncoder, image: GPUBuffer, srcWidth: number, srcHeight: number, target: GPUTexture): void {
    this.params.write({ src_size: [srcWidth, srcHeight], dst_size: [target.width, target.height] });
    const group = this.groups.get([image], () =>
      this.device.createBindGroup({
        label: 'Blit.bindings',
        layout: this.layout,
        entries: [
          { binding: 0, resource: { buffer: this.params.buffer } },
          { binding: 1, resource: { buffer: image } },
        ],
      }),
    );
    const pass = encoder.beginRenderPass({
      label: 'Blit',
      colorAttachments: [{ view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.draw(3);
    pass.end();
  }

  destroy(): void {
    this.params.destroy();
  }
}
