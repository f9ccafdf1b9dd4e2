/**
 * How a frame drawn by WebGPU reaches the page. Two ways, one image (test/e2e/viewer.test.ts):
 *  - 'canvas': into the WebGPU canvas's current texture (what a hardware GPU wants).
 *  - 'readback': into an offscreen texture that is copied to a mappable buffer and, once mapped,
 *    uploaded to a WebGL2 canvas (a 2D canvas where WebGL2 is missing). On CPU adapters
 *    (SwiftShader) Chromium's display compositor keeps a CPU core busy for as long as WebGPU work
 *    meant for a WebGPU canvas is in flight; a page with no WebGPU canvas leaves it idle, and
 *    the copy and upload (1.2 MB at 640x480) cost far less than that core (bench/README.md).
 *    The image shows one frame late, and no frame ever waits for a readback.
 * Default: readback on CPU adapters, canvas on GPUs; `?present=canvas|readback` picks one.
 */
import { isCpuAdapter } from '../gpu/kernel-shapes';

export type PresentMode = 'canvas' | 'readback';

export interface Presenter {
  readonly mode: PresentMode;
  /** What shows the readback's pixels: 'webgpu', 'webgl2' or '2d'. */
  readonly sink: 'webgpu' | 'webgl2' | '2d';
  /** The format frames are drawn in. */
  readonly format: GPUTextureFormat;
  /** The texture to draw this frame into, `width` x `height` (the canvas's size). */
  target(width: number, height: number): GPUTexture;
  /**
   * After the frame's draw was submitted: shows it. Resolves once it is on the page (its GPU
   * work done; for readback, its pixels uploaded), or dropped for a newer one; never rejects.
   */
  present(): Promise<void>;
  /** The device was lost and replaced. */
  setDevice(device: GPUDevice): void;
  /** What the canvas shows (readback: the next frame shown), as a PNG. */
  snapshot(): Promise<Blob | null>;
}

/** The mode for an adapter, unless the page's address names one. */
export function choosePresentMode(adapterInfo: GPUAdapterInfo | undefined, requested: string | null): PresentMode {
  if (requested === 'canvas' || requested === 'readback') return requested;
  return isCpuAdapter(adapterInfo) ? 'readback' : 'canvas';
}

export function createPresenter(canvas: HTMLCanvasElement, device: GPUDevice, mode: PresentMode): Presenter {
  return mode === 'canvas' ? new CanvasPresenter(canvas, device) : new ReadbackPresenter(canvas, device);
}

class CanvasPresenter implements Presenter {
  readonly mode = 'canvas';
  readonly sink = 'webgpu';
  readonly format = navigator.gpu.getPreferredCanvasFormat();
  private readonly context: GPUCanvasContext;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private device: GPUDevice,
  ) {
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('This browser has WebGPU but cannot draw it to a canvas');
    this.context = context;
    this.setDevice(device);
  }

  target(): GPUTexture {
    return this.context.getCurrentTexture();
  }

  present(): Promise<void> {
    return this.device.queue.onSubmittedWorkDone().catch(() => {});
  }

  setDevice(device: GPUDevice): void {
    this.device = device;
    this.context.configure({ device, format: this.format, alphaMode: 'opaque' });
  }

  snapshot(): Promise<Blob | null> {
    // Chromium keeps the last presented frame as the canvas image; no extra render is needed.
    return new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
  }
}

/** Shows RGBA8 rows (`rowBytes` apart, the image's top row first) on the page's canvas. */
interface PixelSink {
  readonly kind: 'webgl2' | '2d';
  show(pixels: Uint8Array, width: number, height: number, rowBytes: number): void;
}

class ReadbackPresenter implements Presenter {
  readonly mode = 'readback';
  readonly format = 'rgba8unorm';
  readonly sink: 'webgl2' | '2d';
  private readonly pixels: PixelSink;
  private texture: GPUTexture | undefined;
  /** Staging buffers not mapped now; a frame takes one and gives it back once shown. */
  private free: GPUBuffer[] = [];
  private all = new Set<GPUBuffer>();
  private pending: GPUBuffer | undefined;
  private submitted = 0;
  private shown = 0;
  private last: { data: Uint8Array; width: number; height: number } | undefined;
  private wantLast: Array<() => void> = [];

  constructor(
    canvas: HTMLCanvasElement,
    private device: GPUDevice,
  ) {
    this.pixels = GlSink.create(canvas) ?? new Canvas2dSink(canvas);
    this.sink = this.pixels.kind;
  }

  target(width: number, height: number): GPUTexture {
    if (!this.texture || this.texture.width !== width || this.texture.height !== height) {
      this.texture?.destroy();
      this.texture = this.device.createTexture({
        label: 'ReadbackPresenter.frame',
        size: [width, height],
        format: this.format,
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC | GPUTextureUsage.TEXTURE_BINDING,
      });
      this.dropBuffers(); // sized for the old canvas
    }
    return this.texture;
  }

  present(): Promise<void> {
    const texture = this.texture;
    if (!texture) return Promise.resolve();
    const { width, height } = texture;
    const rowBytes = Math.ceil((width * 4) / 256) * 256; // copyTextureToBuffer's row alignment
    const buffer =
      this.free.pop() ??
      this.device.createBuffer({ label: 'ReadbackPresenter.staging', size: rowBytes * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    this.all.add(buffer);
    const enc = this.device.createCommandEncoder({ label: 'ReadbackPresenter.copy' });
    enc.copyTextureToBuffer({ texture }, { buffer, bytesPerRow: rowBytes }, [width, height]);
    this.device.queue.submit([enc.finish()]);
    const frame = ++this.submitted;
    return buffer.mapAsync(GPUMapMode.READ).then(
      () => {
        // Mappings resolve in submission order; a frame older than the one shown is dropped.
        if (frame > this.shown && this.all.has(buffer)) {
          this.shown = frame;
          const data = new Uint8Array(buffer.getMappedRange());
          this.pixels.show(data, width, height, rowBytes);
          if (this.wantLast.length > 0) this.keepLast(data, width, height, rowBytes);
        }
        buffer.unmap();
        if (this.all.has(buffer)) this.free.push(buffer);
        else buffer.destroy();
      },
      () => {
        this.all.delete(buffer); // the device was lost: nothing to show
      },
    );
  }

  setDevice(device: GPUDevice): void {
    this.device = device;
    this.texture = undefined; // it belonged to the lost device
    this.free = [];
    this.all.clear();
  }

  snapshot(): Promise<Blob | null> {
    // The next frame shown is kept (the viewer draws every animation frame).
    return new Promise<void>((resolve) => this.wantLast.push(resolve)).then(() => {
      const { data, width, height } = this.last!;
      const c = new OffscreenCanvas(width, height);
      c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data.buffer as ArrayBuffer, 0, width * height * 4), width, height), 0, 0);
      return c.convertToBlob({ type: 'image/png' });
    });
  }

  private keepLast(data: Uint8Array, width: number, height: number, rowBytes: number): void {
    const out = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) out.set(data.subarray(y * rowBytes, y * rowBytes + width * 4), y * width * 4);
    this.last = { data: out, width, height };
    for (const resolve of this.wantLast.splice(0)) resolve();
  }

  private dropBuffers(): void {
    // Mapped or in flight ones are destroyed when their mapping resolves.
    for (const b of this.free) b.destroy();
    this.free = [];
    this.all.clear();
  }
}

/**
 * Uploads the rows into a texture and blits it onto the WebGL2 canvas, rows reversed (GL's
 * window rows count from the bottom). No shader: a blit of equal size copies texel for texel.
 */
class GlSink implements PixelSink {
  readonly kind = 'webgl2';
  private width = 0;
  private height = 0;

  private constructor(private readonly gl: WebGL2RenderingContext) {}

  static create(canvas: HTMLCanvasElement): GlSink | undefined {
    const gl = canvas.getContext('webgl2', { alpha: false, antialias: false, depth: false, stencil: false, premultipliedAlpha: false });
    if (!gl) return undefined;
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, gl.createFramebuffer());
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    return new GlSink(gl);
  }

  show(pixels: Uint8Array, width: number, height: number, rowBytes: number): void {
    const gl = this.gl;
    if (gl.isContextLost()) return;
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, rowBytes / 4);
    if (width !== this.width || height !== this.height) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, gl.getParameter(gl.TEXTURE_BINDING_2D), 0);
      this.width = width;
      this.height = height;
    } else {
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    }
    gl.blitFramebuffer(0, 0, width, height, 0, height, width, 0, gl.COLOR_BUFFER_BIT, gl.NEAREST);
  }
}

/** putImageData: every browser with WebGPU has it, WebGL2 or not. */
class Canvas2dSink implements PixelSink {
  readonly kind = '2d';
  private image: ImageData | undefined;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('This browser can draw neither WebGL2 nor 2D on a canvas');
    this.ctx = ctx;
  }

  show(pixels: Uint8Array, width: number, height: number, rowBytes: number): void {
    if (this.image?.width !== width || this.image.height !== height) this.image = new ImageData(width, height);
    const out = this.image.data;
    for (let y = 0; y < height; y++) out.set(pixels.subarray(y * rowBytes, y * rowBytes + width * 4), y * width * 4);
    this.ctx.putImageData(this.image, 0, 0);
  }
}
