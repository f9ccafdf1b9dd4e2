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
import PRESENT_FRAG from '../../shaders/gl/present.frag.glsl?raw';
import PRESENT_VERT from '../../shaders/gl/present.vert.glsl?raw';
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
  private readonly pixels: PixelSink;
  private texture: GPUTexture | undefined;
  /** Staging buffers of the current size not mapped now; a frame takes one, gives it back once shown. */
  private free: GPUBuffer[] = [];
  /** Staging buffers of the current size and device; others are destroyed once their mapping ends. */
  private current = new Set<GPUBuffer>();
  private submitted = 0;
  private shown = 0;

  constructor(
    canvas: HTMLCanvasElement,
    private device: GPUDevice,
  ) {
    this.pixels = GlSink.create(canvas) ?? new Canvas2dSink(canvas);
  }

  get sink(): 'webgl2' | '2d' {
    return this.pixels.kind;
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
      // Sized for the old canvas: free ones go now, mapped or in-flight ones once shown.
      for (const b of this.free) b.destroy();
      this.free = [];
      this.current.clear();
    }
    return this.texture;
  }

  present(): Promise<void> {
    const texture = this.texture;
    if (!texture) return Promise.resolve();
    const { width, height } = texture;
    const rowBytes = paddedRowBytes(width);
    const buffer = this.copyOut(texture, this.free.pop());
    this.current.add(buffer);
    const frame = ++this.submitted;
    return buffer.mapAsync(GPUMapMode.READ).then(
      () => {
        try {
          // Mappings resolve in submission order; a frame older than the one shown is dropped.
          // A frame of the old size still shows while the canvas is being resized.
          if (frame > this.shown) {
            this.shown = frame;
            this.pixels.show(new Uint8Array(buffer.getMappedRange()), width, height, rowBytes);
          }
        } catch (e) {
          console.error('Presenting a frame failed:', e);
        } finally {
          buffer.unmap();
          if (this.current.has(buffer)) this.free.push(buffer);
          else buffer.destroy();
        }
      },
      () => {
        this.current.delete(buffer); // the device was lost: nothing to show
      },
    );
  }

  setDevice(device: GPUDevice): void {
    this.device = device;
    this.texture = undefined; // it belonged to the lost device
    this.free = [];
    this.current.clear();
  }

  /** Its own copy of the frame drawn last (not waiting for the next one: none may come). */
  async snapshot(): Promise<Blob | null> {
    const texture = this.texture;
    if (!texture) return null;
    const { width, height } = texture;
    const rowBytes = paddedRowBytes(width);
    const buffer = this.copyOut(texture);
    try {
      await buffer.mapAsync(GPUMapMode.READ);
    } catch {
      buffer.destroy();
      return null; // the device was lost
    }
    const image = new ImageData(width, height);
    packOpaqueRows(new Uint8Array(buffer.getMappedRange()), rowBytes, image);
    buffer.destroy();
    const c = new OffscreenCanvas(width, height);
    c.getContext('2d')!.putImageData(image, 0, 0);
    return c.convertToBlob({ type: 'image/png' });
  }

  /** Submits a copy of `texture` into `into` (a staging buffer of its size) or a new one. */
  private copyOut(texture: GPUTexture, into?: GPUBuffer): GPUBuffer {
    const rowBytes = paddedRowBytes(texture.width);
    const buffer = into ?? this.device.createBuffer({ label: 'ReadbackPresenter.staging', size: rowBytes * texture.height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const enc = this.device.createCommandEncoder({ label: 'ReadbackPresenter.copy' });
    enc.copyTextureToBuffer({ texture }, { buffer, bytesPerRow: rowBytes }, [texture.width, texture.height]);
    this.device.queue.submit([enc.finish()]);
    return buffer;
  }
}

/** copyTextureToBuffer's row pitch for RGBA8 rows of `width` pixels (a multiple of 256 bytes). */
function paddedRowBytes(width: number): number {
  return Math.ceil((width * 4) / 256) * 256;
}

/**
 * Copies padded RGBA8 rows into `image`, alpha set to 1. The frame's colour is already composited
 * over the background; its alpha (0 where only the background shows) is not the canvas's to show.
 */
function packOpaqueRows(pixels: Uint8Array, rowBytes: number, image: ImageData): void {
  const { width, height, data } = image;
  for (let y = 0; y < height; y++) data.set(pixels.subarray(y * rowBytes, y * rowBytes + width * 4), y * width * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
}

/**
 * Uploads the rows into a texture and draws it onto the WebGL2 canvas with one triangle
 * (shaders/gl/present.*.glsl: rows reversed, texel for texel at equal size). Not
 * `blitFramebuffer`: on Chromium 150 a blit onto the drawing buffer showed only in some
 * configurations (black without preserveDrawingBuffer under a frame loop that reads the drawing
 * buffer after every frame, as the peers harness does; black with it in a plain page), while the
 * draw shows in every one, and costs less (`bench/frame-floor.html`, bench/README.md).
 * The context is opaque (`alpha: false`) and the shader writes alpha 1: the frame's alpha is never shown.
 */
class GlSink implements PixelSink {
  readonly kind = 'webgl2';
  private texture: WebGLTexture | null = null;
  private program: WebGLProgram | null = null;
  private outSize: WebGLUniformLocation | null = null;
  private width = 0;
  private height = 0;

  private constructor(
    canvas: HTMLCanvasElement,
    private readonly gl: WebGL2RenderingContext,
  ) {
    // A lost context (a GPU process restart) is only restored when the page asks for it.
    canvas.addEventListener('webglcontextlost', (e) => e.preventDefault());
    canvas.addEventListener('webglcontextrestored', () => this.init());
    this.init();
  }

  static create(canvas: HTMLCanvasElement): GlSink | undefined {
    const gl = canvas.getContext('webgl2', { alpha: false, antialias: false, depth: false, stencil: false, premultipliedAlpha: false });
    return gl ? new GlSink(canvas, gl) : undefined;
  }

  private init(): void {
    const gl = this.gl;
    this.texture = gl.createTexture();
    this.width = this.height = 0;
    const program = gl.createProgram();
    for (const [type, source] of [[gl.VERTEX_SHADER, PRESENT_VERT], [gl.FRAGMENT_SHADER, PRESENT_FRAG]] as const) {
      const shader = gl.createShader(type);
      if (!shader) return; // the context is lost: restored later
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
      throw new Error(`Presenting through WebGL2: the shader did not link: ${gl.getProgramInfoLog(program)}`);
    }
    this.program = program;
    this.outSize = gl.getUniformLocation(program, 'out_size');
  }

  show(pixels: Uint8Array, width: number, height: number, rowBytes: number): void {
    const gl = this.gl;
    if (gl.isContextLost() || !this.program) return;
    // Bound every time: nothing else may have left the state as this left it.
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, rowBytes / 4);
    if (width !== this.width || height !== this.height) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      // Without mipmaps the texture is complete only with a non-mipmap filter; an incomplete
      // one reads as black, texelFetch included.
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      this.width = width;
      this.height = height;
    } else {
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    }
    // Onto the whole drawing buffer: the same size but for a frame drawn before a resize.
    const w = gl.drawingBufferWidth;
    const h = gl.drawingBufferHeight;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.disable(gl.SCISSOR_TEST);
    gl.disable(gl.BLEND);
    gl.viewport(0, 0, w, h);
    gl.useProgram(this.program);
    gl.uniform2f(this.outSize, w, h);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
  }
}

/** putImageData: every browser with WebGPU has it, WebGL2 or not. */
class Canvas2dSink implements PixelSink {
  readonly kind = '2d';
  private image: ImageData | undefined;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('This browser can draw neither WebGL2 nor 2D on a canvas');
    this.ctx = ctx;
  }

  show(pixels: Uint8Array, width: number, height: number, rowBytes: number): void {
    if (this.image?.width !== width || this.image.height !== height) this.image = new ImageData(width, height);
    packOpaqueRows(pixels, rowBytes, this.image);
    if (width === this.canvas.width && height === this.canvas.height) this.ctx.putImageData(this.image, 0, 0);
    else createImageBitmap(this.image).then((bitmap) => this.ctx.drawImage(bitmap, 0, 0, this.canvas.width, this.canvas.height));
  }
}
