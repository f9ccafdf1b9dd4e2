/**
 * The viewer's renderer: owns the scene's GPU buffers and the forward pass, draws frames to a
 * canvas texture and renders offscreen images for the CLI and tests.
 */
import type { KernelShapes } from '../gpu/kernel-shapes';
import type { Camera } from '../io/camera';
import { type SplatScene, withShDegree } from '../io/scene';
import { readF32, readU32 } from '../gpu/buffers';
import { compileAhead } from '../gpu/compile-ahead';
import { BlitKernel } from '../kernels/blit';
import { TextureBlitKernel } from '../kernels/blit-texture';
import { ForwardPass } from './forward-pass';
import { SortedSplatPass } from './sorted-splat-pass';
import { GaussianBuffers, type GaussianSet } from './gaussian-buffers';
import { fittingShDegree } from './splat-capacity';

export interface RenderOptions {
  /** Active SH degree (clamped to the scene's). */
  shDegree: number;
  /** Multiplies every splat's scale. */
  splatScale: number;
  /** Background colour, linear 0..1, composited under the splats. */
  background: [number, number, number];
  /**
   * Draw with the tile rasterizer (what training and the CLI render) instead of depth-sorted
   * quads blended by the hardware. Default false: the quads are many times faster on every
   * adapter measured and differ only by blending precision (test/render/sorted-splats.test.ts).
   */
  exact?: boolean;
  /** Mip-Splatting's 2D filter with opacity compensation (the scene was trained with it). */
  antialias?: boolean;
  /** The 2D filter's variance in px^2 (SplatScene.filter2d). Default 0.3. */
  filter2d?: number;
}

export interface FrameStats {
  splats: number;
  intersections: number;
  /** Wall time of the last offscreen render (submit to readback), ms. */
  renderMs?: number;
}

export class SplatRenderer {
  private gaussians: GaussianSet | undefined;
  /** Buffers this renderer uploaded (and destroys); undefined when showing an external set. */
  private owned: GaussianBuffers | undefined;
  /** The tile rasterizer: made on first use (exact frames, offscreen renders), so a viewer
   * that never draws exact frames does not compile its two dozen kernels. */
  private forward: ForwardPass | undefined;
  private sorted: SortedSplatPass | undefined;
  private texBlit: TextureBlitKernel | undefined;
  private offscreen: { texture: GPUTexture; view: GPUTextureView } | undefined;
  private blit: BlitKernel | undefined;
  private checking = false;
  readonly frameStats: FrameStats = { splats: 0, intersections: 0 };

  constructor(
    private readonly device: GPUDevice,
    /** shapes: the kernels' per-adapter shapes (default: this device's; tests pick either class). */
    private readonly opts: { canvasFormat?: GPUTextureFormat; shapes?: KernelShapes } = {},
  ) {}

  /**
   * Uploads `scene` and returns the SH degree it is drawn at: its own, or the highest at which its
   * splats fit this device's storage buffers (splat-capacity.ts). The previous scene stays when
   * this throws (too large even at degree 0).
   */
  setScene(scene: SplatScene): number {
    const degree = Math.max(0, fittingShDegree(this.device.limits, scene.count, scene.shDegree));
    const next = GaussianBuffers.upload(this.device, withShDegree(scene, degree));
    this.owned?.destroy();
    this.owned = next;
    this.gaussians = next;
    this.frameStats.splats = scene.count;
    return degree;
  }

  /**
   * Shows Gaussians owned by someone else (the trainer's live parameters). The set is read at
   * every draw, so a trainer that swaps buffers after densification is followed automatically.
   */
  setGaussians(set: GaussianSet): void {
    this.owned?.destroy();
    this.owned = undefined;
    this.gaussians = set;
    this.frameStats.splats = set.count;
  }

  get hasScene(): boolean {
    return this.gaussians !== undefined;
  }

  /**
   * Records and submits one frame and its blit to `target`. The intersection count is checked
   * asynchronously; a frame that overflowed the buffers grows them for the next frame (the app
   * renders every animation frame, so at most one frame after a big camera jump is incomplete).
   */
  drawToTexture(camera: Camera, opts: RenderOptions, target: GPUTexture): void {
    const enc = this.device.createCommandEncoder({ label: 'SplatRenderer.frame' });
    if (!this.gaussians) {
      // Nothing to draw yet (a scene loading): the background, with no kernel to compile.
      const [r, g, b] = opts.background;
      enc.beginRenderPass({ label: 'SplatRenderer.empty', colorAttachments: [{ view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r, g, b, a: 1 } }] }).end();
      this.device.queue.submit([enc.finish()]);
      return;
    }
    if (!opts.exact) {
      this.frameStats.splats = this.gaussians.count;
      // A loaded scene does not change between frames; a training run's live set does.
      const unchanged = this.gaussians === this.owned;
      if (camera.width === target.width && camera.height === target.height) {
        this.sortedPass().encode(enc, this.gaussians, camera, opts, target.createView(), target.format, unchanged);
      } else {
        // Another render resolution: draw at that size, then scale onto the target.
        const view = this.offscreenView(camera.width, camera.height, target.format);
        this.sortedPass().encode(enc, this.gaussians, camera, opts, view, target.format, unchanged);
        if (this.texBlit?.format !== target.format) this.texBlit = new TextureBlitKernel(this.device, target.format);
        this.texBlit.encode(enc, view, target.createView());
      }
      this.device.queue.submit([enc.finish()]);
      return;
    }
    this.frameStats.splats = this.gaussians.count;
    const forward = this.forwardPass;
    forward.encode(enc, this.gaussians, camera, opts);
    if (!this.blit || this.blit.format !== target.format) {
      this.blit?.destroy();
      this.blit = new BlitKernel(this.device, target.format);
    }
    this.blit.encode(enc, forward.image.buffer, camera.width, camera.height, target);
    this.device.queue.submit([enc.finish()]);
    if (!this.checking) {
      this.checking = true;
      forward
        .checkCapacity()
        .then(() => {
          this.frameStats.intersections = forward.stats.intersections;
        })
        .finally(() => {
          this.checking = false;
        });
    }
  }

  /** A render target of the given size and format, kept while they stay the same. */
  private offscreenView(width: number, height: number, format: GPUTextureFormat): GPUTextureView {
    const o = this.offscreen;
    if (o && o.texture.width === width && o.texture.height === height && o.texture.format === format) return o.view;
    o?.texture.destroy();
    const texture = this.device.createTexture({ label: 'SplatRenderer.scaled', size: [width, height], format, usage: 0x10 | 0x4 }); // RENDER_ATTACHMENT | TEXTURE_BINDING
    this.offscreen = { texture, view: texture.createView() };
    return this.offscreen.view;
  }

  /**
   * Compiles the sorted path's pipelines, for frames in `format`, ahead of the first frame
   * (compile-ahead.ts); resolves when they are compiled. A page starts this with its device and
   * waits for it before showing its first scene.
   */
  compileAhead(format: GPUTextureFormat): Promise<void> {
    return compileAhead(this.device, (ahead) => {
      const pass = new SortedSplatPass(ahead, this.opts.shapes);
      pass.quadsFor(format);
      pass.destroy();
    });
  }

  private sortedPass(): SortedSplatPass {
    this.sorted ??= new SortedSplatPass(this.device, this.opts.shapes);
    return this.sorted;
  }

  /**
   * Renders offscreen with the sorted-quad path into a `format` texture and reads back the
   * [H, W, 4] f32 RGBA image (alpha = 1 - T), as the viewer would show it.
   */
  async renderSortedToImage(camera: Camera, opts: RenderOptions, format: 'rgba8unorm' | 'rgba16float' = 'rgba8unorm'): Promise<Float32Array> {
    if (!this.gaussians) throw new Error('SplatRenderer: no scene loaded');
    const { width, height } = camera;
    const texture = this.device.createTexture({ label: 'SplatRenderer.offscreen', size: [width, height], format, usage: 0x10 | 0x1 }); // RENDER_ATTACHMENT | COPY_SRC
    const texel = format === 'rgba8unorm' ? 4 : 8;
    const bytesPerRow = Math.ceil((width * texel) / 256) * 256;
    const staging = this.device.createBuffer({ label: 'SplatRenderer.offscreenRead', size: bytesPerRow * height, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    try {
      const enc = this.device.createCommandEncoder({ label: 'SplatRenderer.offscreen' });
      this.sortedPass().encode(enc, this.gaussians, camera, opts, texture.createView(), format);
      enc.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow }, [width, height]);
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(0x1);
      const bytes = new Uint8Array(staging.getMappedRange());
      const out = new Float32Array(width * height * 4);
      for (let y = 0; y < height; y++) {
        const row = bytes.subarray(y * bytesPerRow, y * bytesPerRow + width * texel);
        if (format === 'rgba8unorm') {
          for (let i = 0; i < width * 4; i++) out[y * width * 4 + i] = row[i] / 255;
        } else {
          const h = new Uint16Array(row.buffer, row.byteOffset, width * 4);
          for (let i = 0; i < width * 4; i++) out[y * width * 4 + i] = halfToFloat(h[i]);
        }
      }
      staging.unmap();
      return out;
    } finally {
      texture.destroy();
      staging.destroy();
    }
  }

  /** Splats the last sorted-quad frame drew (reads the draw arguments back; tests). */
  async sortedDrawCount(): Promise<number> {
    return (await this.sortedDrawStats()).visible;
  }

  /** The last sorted frame's visible splats and the triangles it drew them with. */
  async sortedDrawStats(): Promise<{ visible: number; triangles: number }> {
    const args = await readU32(this.device, this.sortedPass().drawArgs, 8);
    return { visible: args[4], triangles: args[5] };
  }

  /** Renders offscreen and reads back the [H, W, 4] f32 RGBA image (alpha = 1 - T). */
  async renderToImage(camera: Camera, opts: RenderOptions): Promise<Float32Array> {
    if (!this.gaussians) throw new Error('SplatRenderer: no scene loaded');
    const t0 = performance.now();
    const forward = this.forwardPass;
    await forward.renderExact(this.gaussians, camera, opts);
    this.frameStats.intersections = forward.stats.intersections;
    const out = await readF32(this.device, forward.image.buffer, camera.width * camera.height * 4);
    this.frameStats.renderMs = performance.now() - t0;
    return out;
  }

  /** The tile rasterizer, made here on first use (its buffers are what the backward and the benchmarks read). */
  get forwardPass(): ForwardPass {
    this.forward ??= new ForwardPass(this.device, this.opts.shapes);
    return this.forward;
  }

  get gaussianSet(): GaussianSet | undefined {
    return this.gaussians;
  }

  destroy(): void {
    this.owned?.destroy();
    this.forward?.destroy();
    this.sorted?.destroy();
    this.offscreen?.texture.destroy();
    this.blit?.destroy();
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
