/**
 * The forward pass the viewer draws with and training differentiates: projection, depth sort,
 * per-splat tile counts and their prefix sum, intersection emission, a stable sort by tile id,
 * tile ranges and the tile rasterizer. Everything runs on the GPU; the only CPU involvement is
 * sizing: the intersection total is read back after each frame (asynchronously for the viewer,
 * awaited by `renderExact`) and the buffers grow by doubling when it exceeds their capacity.
 * Keeps what the backward needs: projected records, tile lists, ranges, final T, entries used.
 */
import type { Camera } from '../io/camera';
import { GrowableBuffer, STORAGE } from '../gpu/buffers';
import { CameraUniform, type Dropout, type FrameParams, tileGrid } from '../kernels/camera-uniform';
import { ISECT_COUNT, PROJECTED_SPLAT } from '../kernels/layouts';
import { ProjectKernel } from '../kernels/project';
import { GatherTileCountsKernel } from '../kernels/gather-tile-counts';
import { EmitIntersectionsKernel } from '../kernels/emit-intersections';
import { TILE_RECORD_BYTES, TileRangesKernel } from '../kernels/tile-ranges';
import { RasterizeKernel } from '../kernels/rasterize';
import { RadixSort } from '../kernels/radix-sort';
import { PrefixSum } from '../kernels/prefix-sum';
import type { GaussianSet } from './gaussian-buffers';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';

export interface ForwardOptions {
  /** Active SH degree; clamped to the scene's. */
  shDegree: number;
  /** Multiplies every splat's scale (viewer control); 1 for training. */
  splatScale: number;
  background: readonly [number, number, number];
  /** Mip-Splatting's 2D filter with opacity compensation (scenes trained with it). Default false. */
  antialias?: boolean;
  /** The 2D filter's variance added to every projected covariance, px^2. Default 0.3. */
  filter2d?: number;
  /** Training only: splats left out of this frame at random (camera-uniform.ts). */
  dropout?: Dropout;
}

export interface ForwardStats {
  splats: number;
  /** Intersection total of the last frame whose count has been read back. */
  intersections: number;
  /** True when that frame had more intersections than capacity (it was incomplete). */
  overflowed: boolean;
}

const INDIRECT = 0x100;

export class ForwardPass {
  readonly uniform: CameraUniform;
  /** By active SH degree 0-3, built on first use (ProjectKernel: no code for the bands above). */
  private readonly projects: ProjectKernel[] = [];
  private readonly gather: GatherTileCountsKernel;
  private readonly emit: EmitIntersectionsKernel;
  private readonly ranges: TileRangesKernel;
  private readonly raster: RasterizeKernel;
  private readonly depthSort: RadixSort;
  private readonly tileSort: RadixSort;
  private readonly scan: PrefixSum;
  private readonly cache = new BindGroupCache();

  // Per splat.
  readonly projected: GrowableBuffer; // [N] ProjectedSplat
  private readonly depthKeys: GrowableBuffer; // [N] u32
  private readonly depthValues: GrowableBuffer; // [N] u32
  private readonly tileCounts: GrowableBuffer; // [N] u32, depth order
  readonly offsets: GrowableBuffer; // [N + 1] u32
  private readonly splatCount: GPUBuffer; // [1] u32 = N, the depth sort's count
  // Per intersection.
  private readonly isectTiles: GrowableBuffer; // [capacity] u32 tile id by slot
  private readonly isectSlots: GrowableBuffer; // [capacity] u32 slot by slot (the tile sort's values)
  readonly isectSplats: GrowableBuffer; // [capacity] u32 splat index by slot
  readonly isectCount: GPUBuffer; // [1] IsectCount (ISECT_COUNT)
  readonly tileRecords: GrowableBuffer; // [capacity] TileRecord in tile order
  private readonly countReadback: GPUBuffer[] = [];
  // Per tile / pixel.
  readonly tileRanges: GrowableBuffer; // [tiles] vec2<u32>
  readonly image: GrowableBuffer; // [H, W, 4] f32
  readonly pixelState: GrowableBuffer; // [H, W] vec2<u32>: final T bits, entries consumed

  /** Tile-sorted lists of the last encoded frame (backward reads them): tile ids and slots. */
  sortedTiles!: GPUBuffer;
  sortedSlots!: GPUBuffer;
  /** Depth-sorted splat indices of the last encoded frame; offsets[s] is their first slot. */
  depthOrder!: GPUBuffer;
  lastCamera: Camera | undefined;
  lastParams: FrameParams | undefined;

  readonly stats: ForwardStats = { splats: 0, intersections: 0, overflowed: false };
  private lastN = -1;
  private pendingRequiredCapacity = 0;

  /** shapes: the kernels' per-adapter shapes (default: this device's; tests pick either class). */
  constructor(private readonly device: GPUDevice, private readonly shapes: KernelShapes = kernelShapes(device)) {
    this.uniform = new CameraUniform(device, 'Forward.camera');
    this.gather = new GatherTileCountsKernel(device);
    this.emit = new EmitIntersectionsKernel(device);
    this.ranges = new TileRangesKernel(device);
    this.raster = new RasterizeKernel(device);
    this.depthSort = new RadixSort(device, 'Forward.depthSort', shapes);
    this.tileSort = new RadixSort(device, 'Forward.tileSort', shapes);
    this.scan = new PrefixSum(device, 'Forward.tileScan', shapes);
    const g = (label: string, bytes = 256) => new GrowableBuffer(device, `Forward.${label}`, STORAGE, bytes);
    this.projected = g('projected');
    this.depthKeys = g('depthKeys');
    this.depthValues = g('depthValues');
    this.tileCounts = g('tileCounts');
    this.offsets = g('offsets');
    this.isectTiles = g('isectTiles', 1 << 14);
    this.isectSlots = g('isectSlots', 1 << 14);
    this.isectSplats = g('isectSplats', 1 << 14);
    this.tileRecords = g('tileRecords', (1 << 12) * TILE_RECORD_BYTES);
    this.tileRanges = g('tileRanges');
    this.image = g('image');
    this.pixelState = g('pixelState');
    this.splatCount = device.createBuffer({ label: 'Forward.splatCount', size: 4, usage: STORAGE });
    this.isectCount = device.createBuffer({ label: 'Forward.isectCount', size: ISECT_COUNT.bytes, usage: STORAGE | INDIRECT });
  }

  /**
   * The most intersections every per-intersection buffer can hold in one storage binding: the
   * widest record is a tile record, or a wider one a user of the intersections keeps
   * (reservePerIntersection: the training backward's partial gradients).
   */
  get maxCapacity(): number {
    const l = this.device.limits;
    return Math.floor(Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize) / this.recordBytes);
  }

  /** Bounds maxCapacity by a per-intersection buffer of `bytes` a record that another pass keeps. */
  reservePerIntersection(bytes: number): void {
    this.recordBytes = Math.max(this.recordBytes, bytes);
  }

  /** Bytes a record of the widest per-intersection buffer (maxCapacity). */
  private recordBytes: number = TILE_RECORD_BYTES;

  /** Capacity of the intersection buffers, in records. */
  get capacity(): number {
    return this.isectTiles.capacity / 4;
  }

  private ensureSizes(n: number, cam: Camera): void {
    this.projected.ensure(n * PROJECTED_SPLAT.bytes);
    for (const b of [this.depthKeys, this.depthValues, this.tileCounts]) b.ensure(n * 4);
    this.offsets.ensure((n + 1) * 4);
    const [tx, ty] = tileGrid(cam.width, cam.height);
    this.tileRanges.ensure(tx * ty * 8);
    const pixels = cam.width * cam.height;
    this.image.ensure(pixels * 16);
    this.pixelState.ensure(pixels * 8);
    // Grow toward the last frame's need, but never past what one binding may hold: beyond it the
    // frame renders with its extra intersections dropped (stats.overflowed) instead of failing.
    const want = Math.min(this.pendingRequiredCapacity, this.maxCapacity);
    if (want > this.capacity) {
      // Doubling, and every per-intersection buffer sized to the same record count: the emit
      // kernel takes its capacity from isect_tiles' length, and a tile-record buffer clamped
      // shorter at the binding limit would drop records with nothing counting them.
      let records = this.capacity;
      while (records < want) records *= 2;
      records = Math.min(records, this.maxCapacity);
      for (const b of [this.isectTiles, this.isectSlots, this.isectSplats]) b.ensure(records * 4, true);
      this.tileRecords.ensure(records * TILE_RECORD_BYTES, true);
    }
    if (n !== this.lastN) {
      this.device.queue.writeBuffer(this.splatCount, 0, new Uint32Array([n]));
      this.lastN = n;
    }
  }

  /**
   * Records the whole forward pass for one camera into `encoder`. `nextStage`, when given, is
   * asked for a fresh encoder before the sort stage and before the raster stage, so a benchmark
   * can submit and time the three stages separately.
   */
  encode(
    first: GPUCommandEncoder,
    gaussians: GaussianSet,
    cam: Camera,
    opts: ForwardOptions,
    nextStage?: (stage: 'sort' | 'raster') => GPUCommandEncoder,
  ): void {
    let encoder = first;
    const n = gaussians.count;
    this.ensureSizes(n, cam);
    const params: FrameParams = {
      count: n,
      shDegree: Math.max(0, Math.min(Math.floor(opts.shDegree), gaussians.shDegree)),
      shCoeffs: gaussians.shCoeffs,
      splatScale: opts.splatScale,
      background: opts.background,
      antialias: opts.antialias,
      filter2d: opts.filter2d,
      dropout: opts.dropout,
    };
    this.uniform.write(cam, params);
    this.lastCamera = cam;
    this.lastParams = params;
    this.stats.splats = n;
    const c = this.cache;
    const [tx, ty] = tileGrid(cam.width, cam.height);

    const project = (this.projects[params.shDegree] ??= new ProjectKernel(this.device, this.shapes, params.shDegree));
    const camP = c.get([project, this.uniform.buffer], () => project.bindCamera(this.uniform.buffer));
    const projectGroup = c.get(
      [project, gaussians.means, gaussians.logScales, gaussians.quats, gaussians.opacityLogits, gaussians.sh, this.projected.buffer, this.depthKeys.buffer, this.depthValues.buffer],
      () =>
        project.bindAll({
          means: gaussians.means,
          logScales: gaussians.logScales,
          quats: gaussians.quats,
          opacityLogits: gaussians.opacityLogits,
          sh: gaussians.sh,
          projected: this.projected.buffer,
          depthKeys: this.depthKeys.buffer,
          depthValues: this.depthValues.buffer,
        }),
    );
    let pass = encoder.beginComputePass({ label: 'Forward.project' });
    project.dispatchItems(pass, camP, projectGroup, n);
    pass.end();

    if (nextStage) encoder = nextStage('sort');
    const depth = this.depthSort.encode(encoder, {
      keys: this.depthKeys.buffer,
      values: this.depthValues.buffer,
      countBuffer: this.splatCount,
      maxCount: n,
      bits: 32,
    });

    pass = encoder.beginComputePass({ label: 'Forward.gather' });
    const camG = c.get([this.gather, 'camera', this.uniform.buffer], () => this.gather.bindCamera(this.uniform.buffer));
    const gatherGroup = c.get([this.gather, this.projected.buffer, depth.values, this.tileCounts.buffer], () =>
      this.gather.bindAll(this.projected.buffer, depth.values, this.tileCounts.buffer),
    );
    this.gather.dispatchItems(pass, camG, gatherGroup, n);
    pass.end();

    this.scan.encode(encoder, {
      input: this.tileCounts.buffer,
      output: this.offsets.buffer,
      count: n,
      totalOut: { buffer: this.isectCount, offset: ISECT_COUNT.fields.total.at * 4 },
    });

    pass = encoder.beginComputePass({ label: 'Forward.emit' });
    const camE = c.get([this.emit, 'camera', this.uniform.buffer], () => this.emit.bindCamera(this.uniform.buffer));
    this.depthOrder = depth.values;
    const emitBuffers = {
      projected: this.projected.buffer,
      sortedValues: depth.values,
      offsets: this.offsets.buffer,
      isectTiles: this.isectTiles.buffer,
      isectSlots: this.isectSlots.buffer,
      isectSplats: this.isectSplats.buffer,
      isectCount: this.isectCount,
    };
    const emitGroup = c.get([this.emit, ...Object.values(emitBuffers)], () => this.emit.bindAll(emitBuffers));
    // Invocation 0 writes the intersection totals, which must happen even for an empty scene.
    this.emit.dispatchItems(pass, camE, emitGroup, Math.max(n, 1));
    pass.end();

    const tiles = tx * ty;
    const bits = Math.max(1, 32 - Math.clz32(Math.max(tiles - 1, 1)));
    const sorted = this.tileSort.encode(encoder, {
      keys: this.isectTiles.buffer,
      values: this.isectSlots.buffer,
      countBuffer: this.isectCount,
      countOffset: ISECT_COUNT.fields.kept.at * 4,
      maxCount: this.capacity,
      bits,
    });
    this.sortedTiles = sorted.keys;
    this.sortedSlots = sorted.values;

    if (nextStage) encoder = nextStage('raster');
    encoder.clearBuffer(this.tileRanges.buffer, 0, tiles * 8);
    pass = encoder.beginComputePass({ label: 'Forward.rasterize' });
    const rangeBuffers = {
      sortedTiles: sorted.keys,
      sortedSlots: sorted.values,
      isectSplats: this.isectSplats.buffer,
      projected: this.projected.buffer,
      isectCount: this.isectCount,
      ranges: this.tileRanges.buffer,
      records: this.tileRecords.buffer,
    };
    const rangeGroup = c.get([this.ranges, ...Object.values(rangeBuffers)], () => this.ranges.bindAll(rangeBuffers));
    this.ranges.dispatchIndirect(pass, undefined, rangeGroup, this.isectCount, ISECT_COUNT.fields.grid_x.at * 4);
    const camR = c.get([this.raster, 'camera', this.uniform.buffer], () => this.raster.bindCamera(this.uniform.buffer));
    const rasterBuffers = {
      ranges: this.tileRanges.buffer,
      records: this.tileRecords.buffer,
      image: this.image.buffer,
      pixelState: this.pixelState.buffer,
    };
    const rasterGroup = c.get([this.raster, ...Object.values(rasterBuffers)], () => this.raster.bindAll(rasterBuffers));
    this.raster.dispatchTiles(pass, camR, rasterGroup, tx, ty);
    pass.end();
  }

  /**
   * After submitting an encoded frame: reads the intersection total back without blocking and
   * grows the buffers for the next frame when it did not fit. Resolves to true when the frame
   * was complete.
   */
  async checkCapacity(): Promise<boolean> {
    const staging =
      this.countReadback.pop() ??
      this.device.createBuffer({ label: 'Forward.countReadback', size: ISECT_COUNT.bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder({ label: 'Forward.countCopy' });
    enc.copyBufferToBuffer(this.isectCount, 0, staging, 0, ISECT_COUNT.bytes);
    const capacity = this.capacity;
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const total = new Uint32Array(staging.getMappedRange())[ISECT_COUNT.fields.total.at];
    staging.unmap();
    this.countReadback.push(staging);
    this.stats.intersections = total;
    this.stats.overflowed = total > capacity;
    if (total > capacity) this.pendingRequiredCapacity = Math.max(this.pendingRequiredCapacity, total);
    return total <= capacity;
  }

  /** Grows the intersection buffers to `records` before the next encode (a known overflow). */
  requireCapacity(records: number): void {
    this.pendingRequiredCapacity = Math.max(this.pendingRequiredCapacity, records);
  }

  /** Encodes, submits and repeats once with grown buffers when the intersections overflowed. */
  async renderExact(gaussians: GaussianSet, cam: Camera, opts: ForwardOptions): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const enc = this.device.createCommandEncoder({ label: 'Forward' });
      this.encode(enc, gaussians, cam, opts);
      this.device.queue.submit([enc.finish()]);
      if (await this.checkCapacity()) return;
      if (this.stats.intersections > this.maxCapacity) break;
    }
    throw new RangeError(
      `this view needs ${this.stats.intersections} tile intersections, more than this adapter's storage binding limit holds (${this.maxCapacity})`,
    );
  }

  destroy(): void {
    this.uniform.destroy();
    this.depthSort.destroy();
    this.tileSort.destroy();
    this.scan.destroy();
    for (const b of [this.projected, this.depthKeys, this.depthValues, this.tileCounts, this.offsets, this.isectTiles, this.isectSlots, this.isectSplats, this.tileRecords, this.tileRanges, this.image, this.pixelState]) b.destroy();
    this.splatCount.destroy();
    this.isectCount.destroy();
    for (const b of this.countReadback) b.destroy();
  }
}
