/** The per-frame camera uniform (bind group 0), shaders/common/camera.wgsl. */
import type { Camera } from '../io/camera';
import { DEFAULT_NEAR, cameraCentre } from '../io/camera';
import { FRUSTUM_CLAMP, TILE_SIZE } from '../gpu/constants';
import { CAMERA_UNIFORM_BYTES } from './layouts';

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
   * Mip-Splatting's 2D filter: opacity times sqrt(det(Sigma2D) / det(Sigma2D + 0.3 I)), for
   * scenes trained with anti-aliasing. Default false.
   */
  antialias?: boolean;
}

export function tileGrid(width: number, height: number): [number, number] {
  return [Math.ceil(width / TILE_SIZE), Math.ceil(height / TILE_SIZE)];
}

/**
 * Writes the uniform into `out` (CAMERA_UNIFORM_BYTES). Jacobian clamp limits follow gsplat's off-centre
 * form of the reference's 1.3 * tan(fov / 2): 0.3 * tan(fov / 2) = 0.15 W / fx beyond each
 * image edge, so x/z is clamped to [(-0.15 W - cx) / fx, (1.15 W - cx) / fx] (same for y).
 */
export function packCameraUniform(cam: Camera, p: FrameParams, out: ArrayBuffer): void {
  if (out.byteLength < CAMERA_UNIFORM_BYTES) throw new RangeError('camera uniform buffer too small');
  const f = new Float32Array(out);
  const u = new Uint32Array(out);
  const { R, t } = cam;
  f.set([R[0], R[1], R[2], 0, R[3], R[4], R[5], 0, R[6], R[7], R[8], 0], 0);
  f.set([t[0], t[1], t[2], 0], 12);
  const c = cameraCentre(cam);
  f.set([c[0], c[1], c[2], 0], 16);
  f.set([cam.fx, cam.fy, cam.cx, cam.cy], 20);
  const margin = (FRUSTUM_CLAMP - 1) / 2; // 0.15: half of the 30% widening on each side
  f.set(
    [
      (-margin * cam.width - cam.cx) / cam.fx,
      ((1 + margin) * cam.width - cam.cx) / cam.fx,
      (-margin * cam.height - cam.cy) / cam.fy,
      ((1 + margin) * cam.height - cam.cy) / cam.fy,
    ],
    24,
  );
  f.set([p.background[0], p.background[1], p.background[2], 0], 28);
  const [tx, ty] = tileGrid(cam.width, cam.height);
  u.set([cam.width, cam.height, tx, ty], 32);
  f.set([cam.near ?? DEFAULT_NEAR, p.splatScale, p.depthKey?.offset ?? 0, p.depthKey?.scale ?? 0], 36);
  u.set([p.count, p.shDegree, p.shCoeffs, p.depthKey?.max ?? 0], 40);
  u.set([p.antialias ? 1 : 0, 0, 0, 0], 44);
}

export class CameraUniform {
  readonly buffer: GPUBuffer;
  private readonly data = new ArrayBuffer(CAMERA_UNIFORM_BYTES);

  constructor(private readonly device: GPUDevice, label = 'CameraUniform') {
    this.buffer = device.createBuffer({ label, size: CAMERA_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
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
