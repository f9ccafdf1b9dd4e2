/**
 * The viewer's fast path: projection straight to screen quads, one depth sort of every splat
 * (culled ones sort last), the visible count as indirect draw arguments, and one quad per
 * visible splat (on CPU adapters the polygon table's triangles: one per splat, more for large
 * ones) blended back to front by the rasterizer hardware. No tile lists and no
 * readback: a frame is a fixed sequence of GPU commands. The tile path (ForwardPass) stays for
 * training, the CLI and the viewer's "exact" mode; test/render/sorted-splats.test.ts holds the
 * two images together.
 *
 * Sort keys: when the splat centres' box is known (uploaded scenes), depths are quantised over
 * the box's depth range, so the sort needs 16 bits (24 above 65,536 splats; steps of range / 2^16
 * or / 2^24, and equal keys keep splat order, so no flicker); otherwise the f32 bits, 32 bits.
 */
import type { Camera } from '../io/camera';
import { DEFAULT_NEAR } from '../io/camera';
import { GrowableBuffer, STORAGE } from '../gpu/buffers';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { CameraUniform, type FrameParams } from '../kernels/camera-uniform';
import { ProjectViewKernel } from '../kernels/project-view';
import { SPLAT_QUAD } from '../kernels/layouts';
import { RadixSort } from '../kernels/radix-sort';
import { DrawArgsKernel } from '../kernels/draw-args';
import { PolygonTableKernel } from '../kernels/polygon-table';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { SplatQuadsKernel } from '../kernels/splat-quads';
import type { ForwardOptions } from './forward-pass';
import type { GaussianSet } from './gaussian-buffers';

const INDIRECT = 0x100;

/** Key bits of the quantised depth for `n` splats. */
export function depthKeyBits(n: number): number {
  return n <= 65536 ? 16 : 24;
}

/**
 * The depth-key quantisation for a camera and a box of splat centres: offset and scale map the
 * box's depth range onto [0, 2^bits - 2] (2^bits - 1 stays above, for CULLED_KEY's low bits).
 * Undefined when the box is unknown, not finite or entirely behind the near plane.
 */
export function depthKeyRange(cam: Camera, bounds: GaussianSet['bounds'], bits: number): FrameParams['depthKey'] {
  if (!bounds) return undefined;
  const { R, t } = cam;
  let zmin = Infinity;
  let zmax = -Infinity;
  for (let c = 0; c < 8; c++) {
    const p = [c & 1 ? bounds.max[0] : bounds.min[0], c & 2 ? bounds.max[1] : bounds.min[1], c & 4 ? bounds.max[2] : bounds.min[2]];
    const z = R[6] * p[0] + R[7] * p[1] + R[8] * p[2] + t[2];
    zmin = Math.min(zmin, z);
    zmax = Math.max(zmax, z);
  }
  zmin = Math.max(zmin, cam.near ?? DEFAULT_NEAR);
  if (!Number.isFinite(zmin) || !Number.isFinite(zmax) || !(zmax > zmin)) return undefined;
  const max = 2 ** bits - 2;
  return { offset: zmin, scale: max / (zmax - zmin), max };
}

export class SortedSplatPass {
  readonly uniform: CameraUniform;
  private readonly project: ProjectViewKernel;
  private readonly sort: RadixSort;
  /** GPUs: the draw arguments; CPU adapters: the polygon table and its draw arguments. */
  private readonly args: DrawArgsKernel | PolygonTableKernel;
  private readonly quads = new Map<GPUTextureFormat, SplatQuadsKernel>();
  private readonly cache = new BindGroupCache();
  private readonly quadBuffer: GrowableBuffer; // [N] SplatQuad by splat index
  private readonly depthKeys: GrowableBuffer; // [N] u32 depth key, CULLED_KEY when culled
  private readonly depthValues: GrowableBuffer; // [N] u32 splat index | (triangles - 1) << 30 (common/quad.wgsl)
  private readonly polygonTable: GrowableBuffer; // [4N] u32 triangles back to front (CPU adapters)
  private readonly splatCount: GPUBuffer; // [1] u32 = N
  /** [8] u32: draw-indirect arguments (vertices, one instance), then the visible count and the triangles. */
  readonly drawArgs: GPUBuffer;
  private lastN = -1;
  /** What the last frame drew with, for `unchanged` frames: numbers (sameFrame), set and order. */
  private readonly lastFrame = new Float64Array(25).fill(NaN);
  private lastSet: GaussianSet | undefined;
  private lastMeans: GPUBuffer | undefined;
  private lastOrder: GPUBuffer | undefined;
  /** 6: a quad per splat (GPUs); 3: the polygon table's triangles (CPU adapters; kernel-shapes.ts). */
  readonly splatVertices: 3 | 6;

  constructor(private readonly device: GPUDevice, shapes: KernelShapes = kernelShapes(device)) {
    this.splatVertices = shapes.splatVertices;
    this.uniform = new CameraUniform(device, 'Sorted.camera');
    this.project = new ProjectViewKernel(device);
    this.sort = new RadixSort(device, 'Sorted.depthSort');
    this.args = this.splatVertices === 3 ? new PolygonTableKernel(device) : new DrawArgsKernel(device);
    const g = (label: string) => new GrowableBuffer(device, `Sorted.${label}`, STORAGE);
    this.quadBuffer = g('quads');
    this.depthKeys = g('depthKeys');
    this.depthValues = g('depthValues');
    this.polygonTable = g('polygonTable');
    this.splatCount = device.createBuffer({ label: 'Sorted.splatCount', size: 4, usage: STORAGE });
    this.drawArgs = device.createBuffer({ label: 'Sorted.drawArgs', size: 32, usage: STORAGE | INDIRECT });
  }

  /** The draw kernel for targets in `format`, made on first use. */
  quadsFor(format: GPUTextureFormat): SplatQuadsKernel {
    let k = this.quads.get(format);
    if (!k) {
      k = new SplatQuadsKernel(this.device, format, this.splatVertices);
      this.quads.set(format, k);
    }
    return k;
  }

  /**
   * Records one frame: `target` (a view of a texture of `format`, cam.width x cam.height) is
   * cleared to the background with alpha 0 and the splats are blended over it, so its alpha ends
   * as 1 - T like the tile path's image. `unchanged`: the caller vouches that the Gaussians'
   * contents are those of the previous call (a loaded scene, not a training run); then a frame
   * with the same set, camera and options draws the previous projection and order again
   * instead of recomputing them (the same bits).
   */
  encode(encoder: GPUCommandEncoder, gaussians: GaussianSet, cam: Camera, opts: ForwardOptions, target: GPUTextureView, format: GPUTextureFormat, unchanged = false): void {
    const n = gaussians.count;
    const [r, gr, b] = opts.background;
    const clear = { view: target, loadOp: 'clear' as const, storeOp: 'store' as const, clearValue: { r, g: gr, b, a: 0 } };
    if (n === 0) {
      encoder.beginRenderPass({ label: 'Sorted.clear', colorAttachments: [clear] }).end();
      return;
    }
    this.quadBuffer.ensure(n * SPLAT_QUAD.bytes);
    this.depthKeys.ensure(n * 4);
    this.depthValues.ensure(n * 4);
    if (this.splatVertices === 3) this.polygonTable.ensure(n * 16);
    if (n !== this.lastN) {
      this.device.queue.writeBuffer(this.splatCount, 0, new Uint32Array([n]));
      this.lastN = n;
    }
    // Always recorded, so a frame after one drawn without `unchanged` compares with that one.
    const same = this.sameFrame(gaussians, cam, opts);
    if (unchanged && same && this.lastOrder) {
      this.draw(encoder, clear, format, this.lastOrder);
      return;
    }
    const depthKey = depthKeyRange(cam, gaussians.bounds, depthKeyBits(n));
    this.uniform.write(cam, {
      count: n,
      shDegree: Math.max(0, Math.min(Math.floor(opts.shDegree), gaussians.shDegree)),
      shCoeffs: gaussians.shCoeffs,
      splatScale: opts.splatScale,
      background: opts.background,
      depthKey,
      antialias: opts.antialias,
      filter2d: opts.filter2d,
    });
    const c = this.cache;
    const u = this.uniform.buffer;
    const pb = {
      means: gaussians.means,
      logScales: gaussians.logScales,
      quats: gaussians.quats,
      opacityLogits: gaussians.opacityLogits,
      sh: gaussians.sh,
      quads: this.quadBuffer.buffer,
      depthKeys: this.depthKeys.buffer,
      depthValues: this.depthValues.buffer,
    };
    let pass = encoder.beginComputePass({ label: 'Sorted.project' });
    this.project.dispatchItems(
      pass,
      c.get([this.project, u], () => this.project.bindCamera(u)),
      c.get([this.project, ...Object.values(pb)], () => this.project.bindAll(pb)),
      n,
    );
    pass.end();
    const bits = depthKey ? depthKeyBits(n) : 32;
    const sorted = this.sort.encode(encoder, { keys: this.depthKeys.buffer, values: this.depthValues.buffer, countBuffer: this.splatCount, maxCount: n, bits });
    const args = this.args;
    pass = encoder.beginComputePass({ label: 'Sorted.drawArgs' });
    const group =
      args instanceof PolygonTableKernel
        ? c.get([args, sorted.keys, sorted.values, this.polygonTable.buffer, this.drawArgs], () =>
            args.bindAll(sorted.keys, sorted.values, this.polygonTable.buffer, this.drawArgs),
          )
        : c.get([args, sorted.keys, this.drawArgs], () => args.bindAll(sorted.keys, this.drawArgs));
    args.dispatchGrid(pass, c.get([args, u], () => args.bindCamera(u)), group, 1, 1);
    pass.end();
    // What the draw reads per vertex: the polygon table (CPU adapters) or the depth order.
    this.lastOrder = this.splatVertices === 3 ? this.polygonTable.buffer : sorted.values;
    this.draw(encoder, clear, format, this.lastOrder);
  }

  private draw(encoder: GPUCommandEncoder, clear: GPURenderPassColorAttachment, format: GPUTextureFormat, order: GPUBuffer): void {
    const c = this.cache;
    const u = this.uniform.buffer;
    const rp = encoder.beginRenderPass({ label: 'Sorted.draw', colorAttachments: [clear] });
    const quads = this.quadsFor(format);
    quads.draw(
      rp,
      c.get([quads, u], () => quads.bindCamera(u)),
      c.get([quads, this.quadBuffer.buffer, order, this.drawArgs], () => quads.bindAll(this.quadBuffer.buffer, order, this.drawArgs)),
      this.drawArgs,
    );
    rp.end();
  }

  /** Whether set, camera and options equal the last call's; records them for the next call. No allocation. */
  private sameFrame(gaussians: GaussianSet, cam: Camera, opts: ForwardOptions): boolean {
    const f = this.lastFrame;
    let same = this.lastSet === gaussians && this.lastMeans === gaussians.means;
    const put = (i: number, v: number): void => {
      if (f[i] !== v) {
        f[i] = v;
        same = false;
      }
    };
    for (let i = 0; i < 9; i++) put(i, cam.R[i]);
    for (let i = 0; i < 3; i++) put(9 + i, cam.t[i]);
    put(12, cam.fx);
    put(13, cam.fy);
    put(14, cam.cx);
    put(15, cam.cy);
    put(16, cam.width);
    put(17, cam.height);
    put(18, cam.near ?? -1);
    put(19, 0);
    put(20, gaussians.count);
    put(21, opts.shDegree);
    put(22, opts.splatScale);
    put(23, opts.antialias ? 1 : 0);
    put(24, opts.filter2d ?? -1);
    this.lastSet = gaussians;
    this.lastMeans = gaussians.means;
    return same;
  }

  destroy(): void {
    this.uniform.destroy();
    this.sort.destroy();
    for (const b of [this.quadBuffer, this.depthKeys, this.depthValues, this.polygonTable]) b.destroy();
    this.splatCount.destroy();
    this.drawArgs.destroy();
  }
}
