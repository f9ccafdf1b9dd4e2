/** The per-frame camera uniform (bind group 0), shaders/common/camera.wgsl. */
import type { Camera } from '../io/camera';
import { DEFAULT_NEAR, cameraCentre } from '../io/camera';
import { COV2D_DILATION, FRUSTUM_CLAMP, TILE_SIZE } from '../gpu/constants';
import { CAMERA_UNIFORM } from './layouts';
import { packStruct } from '../gpu/struct-layout';

export interface FrameParams {
  /** Number of splats N. */
  count: number;
  /** Active SH degree (<= the scene's). */
  shDegree: number;
  /** SH coefficients per splat stored in the buffer, K = (scene degree + 1)^2. */
  shCoeffs: number;
  /** Multiplies every splat's scale (viewer "splat scale"); 1 for training. */
  splatScale: number;
  /** Background colour composited under the splats. */
  background: readonly [number, number, number];
  /**
   * Depth sort keys quantised to integers: key = min(max((z - offset) * scale, 0), max) for the
   * viewer's sort, which then needs only log2(max + 1) key bits. Absent: the f32 bits of z.
   */
  depthKey?: { offset: number; scale: number; max: number };
  /**
   * Mip-Splatting's 2D filter: opacity times sqrt(det(Sigma2D) / det(Sigma2D + s I)), for
   * scenes trained with anti-aliasing. Default false.
   */
  antialias?: boolean;
  /** s, the 2D filter's variance added to Sigma2D's diagonal (px^2). Default COV2D_DILATION (0.3). */
  filter2d?: number;
  /** Training only: this frame leaves splats out at random (Dropout). Absent: none. */
  dropout?: Dropout;
}

/**
 * DropGaussian (Park et al. 2025): each splat is left out of the frame with probability `rate`,
 * drawn from a counter-based hash of (seed, iteration, splat index), and the kept splats'
 * opacity is multiplied by 1 / (1 - rate), so a pixel's expected coverage stays.
 */
export interface Dropout {
  rate: number;
  seed: number;
  iteration: number;
}

/** The largest dropout rate: 1 / (1 - rate) stays a finite f32 and some splats stay. */
export const MAX_DROPOUT = 0.9;

/** Whether `rate` is a dropout rate the kernels take: a number in [0, MAX_DROPOUT]. */
export function isDropoutRate(rate: unknown): rate is number {
  return typeof rate === 'number' && rate >= 0 && rate <= MAX_DROPOUT;
}

/** The rate as a u32 threshold (a splat is dropped when its hash is below it) and the kept splats' factor. */
export function dropoutThreshold(rate: number): { threshold: number; keptScale: number } {
  if (!isDropoutRate(rate)) throw new RangeError(`dropout rate must be in [0, ${MAX_DROPOUT}], got ${rate}`);
  const threshold = Math.round(rate * 2 ** 32);
  return { threshold, keptScale: 1 / (1 - threshold / 2 ** 32) };
}

export function tileGrid(width: number, height: number): [number, number] {
  return [Math.ceil(width / TILE_SIZE), Math.ceil(height / TILE_SIZE)];
}

/** World-to-camera R as three rows and t: the first four fields of CameraUniform and FilterCamera. */
export function worldToCameraFields(cam: Camera): { rot0: number[]; rot1: number[]; rot2: number[]; trans: number[] } {
  const { R, t } = cam;
  return { rot0: [R[0], R[1], R[2]], rot1: [R[3], R[4], R[5]], rot2: [R[6], R[7], R[8]], trans: [t[0], t[1], t[2]] };
}

/**
 * Writes the uniform into `out` (CAMERA_UNIFORM.bytes). Jacobian clamp limits follow gsplat's off-centre
 * form of the reference's 1.3 * tan(fov / 2): 0.3 * tan(fov / 2) = 0.15 W / fx beyond each
 * image edge, so x/z is clamped to [(-0.15 W - cx) / fx, (1.15 W - cx) / fx] (same for y).
 */
function packCameraUniform(cam: Camera, p: FrameParams, out: ArrayBuffer): void {
  if (out.byteLength < CAMERA_UNIFORM.bytes) throw new RangeError('camera uniform buffer too small');
  const margin = (FRUSTUM_CLAMP - 1) / 2; // 0.15: half of the 30% widening on each side
  const drop = dropoutThreshold(p.dropout?.rate ?? 0);
  packStruct(
    CAMERA_UNIFORM,
    {
      ...worldToCameraFields(cam),
      centre: cameraCentre(cam),
      intrinsics: [cam.fx, cam.fy, cam.cx, cam.cy],
      clip: [
        (-margin * cam.width - cam.cx) / cam.fx,
        ((1 + margin) * cam.width - cam.cx) / cam.fx,
        (-margin * cam.height - cam.cy) / cam.fy,
        ((1 + margin) * cam.height - cam.cy) / cam.fy,
      ],
      background: p.background,
      image: [cam.width, cam.height, ...tileGrid(cam.width, cam.height)],
      params: [cam.near ?? DEFAULT_NEAR, p.splatScale, p.depthKey?.offset ?? 0, p.depthKey?.scale ?? 0],
      counts: [p.count, p.shDegree, p.shCoeffs, p.depthKey?.max ?? 0],
      flags: [p.antialias ? 1 : 0, drop.threshold, (p.dropout?.seed ?? 0) >>> 0, (p.dropout?.iteration ?? 0) >>> 0],
      filter2d: [p.filter2d ?? COV2D_DILATION, drop.keptScale],
    },
    out,
  );
}

export class CameraUniform {
  readonly buffer: GPUBuffer;
  private readonly data = new ArrayBuffer(CAMERA_UNIFORM.bytes);

  constructor(private readonly device: GPUDevice, label = 'CameraUniform') {
    this.buffer = device.createBuffer({ label, size: CAMERA_UNIFORM.bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  write(cam: Camera, p: FrameParams): void {
    packCameraUniform(cam, p, this.data);
    this.device.queue.writeBuffer(this.buffer, 0, this.data);
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

export function cameraBindGroupLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label: 'CameraUniform.layout',
    entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } }],
  });
}
