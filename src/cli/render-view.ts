/**
 * Which view `splat render` draws: a COLMAP camera JSON (`--camera`), the viewer page's link
 * (`--view`: eye, target, up and fov, as the page writes them to its address bar), or, with
 * neither, the view the page opens the scene with (framed from the front, its robust bounds
 * filling the narrower field). The last two take `--size WxH`, and `--turntable N`: N views
 * turning once around the up axis through the target, starting at that view.
 */
import type { Camera } from '../io/camera';
import type { SplatScene } from '../io/scene';
import { defaultViewPose, robustBounds } from '../view/scene-framing';
import { COLMAP_UP, DEFAULT_FOV_Y, poseToCamera, viewNear, type Vec3 } from '../view/view-camera';
import { parseViewParams, poseFromParams } from '../view/view-url';
import { type ParsedArgs, UsageError, flagInt, flagString } from './args';

/** The image size of `--view` and the default view unless `--size` says otherwise. */
export const DEFAULT_RENDER_SIZE: [number, number] = [1280, 720];

/** A view made for the scene (`viewCamera`): from a link, or the page's default. */
export interface MadeView {
  kind: 'view';
  link: string | undefined;
  width: number;
  height: number;
  yUp: boolean;
  /** Views around the up axis (1: the view alone). */
  turntable: number;
}

/** A camera JSON's path (it names its own size) or a view made for the scene. */
export type ViewSpec = { kind: 'camera'; path: string } | MadeView;

/** The view flags, checked before the scene is read. */
export function viewSpec(p: ParsedArgs): ViewSpec {
  const path = flagString(p, 'camera');
  const link = flagString(p, 'view');
  const size = flagString(p, 'size');
  const yUp = p.flags.get('y-up') === true;
  const turns = flagString(p, 'turntable');
  if (path !== undefined && link !== undefined) throw new UsageError('--camera and --view both name a view: give one');
  if (path !== undefined) {
    if (size !== undefined) throw new UsageError(`--size applies to --view and the default view; ${path} names its own width and height`);
    if (yUp) throw new UsageError(`--y-up applies to the default view; ${path} names its own orientation`);
    if (turns !== undefined) throw new UsageError(`--turntable turns --view or the default view around its target; ${path} has no target`);
    return { kind: 'camera', path };
  }
  const [width, height] = size === undefined ? DEFAULT_RENDER_SIZE : parseSize(size);
  const turntable = turns === undefined ? 1 : flagInt(p, 'turntable', 1, 2);
  if (turntable > 100000) throw new UsageError(`--turntable must be 2..100000 views, got ${turntable}`);
  return { kind: 'view', link, width, height, yUp, turntable };
}

/** The renderer's cameras for a made view of `scene` (`spec.turntable` of them), with the page's near plane. */
export function viewCameras(spec: MadeView, scene: SplatScene): Camera[] {
  const up: Vec3 = spec.yUp ? [0, 1, 0] : COLMAP_UP;
  const bounds = robustBounds(scene);
  let pose = defaultViewPose(bounds ?? { min: [-1, -1, -1], max: [1, 1, 1], centre: [0, 0, 0], radius: 1 }, up, DEFAULT_FOV_Y, spec.width / spec.height);
  if (spec.link !== undefined) {
    // The whole address the page shows, or only its query.
    const q = spec.link.includes('?') ? spec.link.slice(spec.link.indexOf('?')) : spec.link;
    const params = parseViewParams(q.split('#')[0]);
    if (params.errors.length > 0) throw new UsageError(`--view: ${params.errors.join('; ')}`);
    const linked = poseFromParams(params, { up, fovY: DEFAULT_FOV_Y });
    if (!linked) throw new UsageError(`--view: the link names no camera (it needs eye=x,y,z and target=x,y,z): "${spec.link}"`);
    pose = linked;
  }
  const cameras: Camera[] = [];
  for (let k = 0; k < spec.turntable; k++) {
    const turned = { ...pose, eye: turnAbout(pose.eye, pose.target, pose.up, (2 * Math.PI * k) / spec.turntable) };
    const camera = poseToCamera(turned, spec.width, spec.height);
    camera.near = viewNear(bounds?.radius, turned); // the page's near plane for this scene and view
    cameras.push(camera);
  }
  return cameras;
}

/** `p` turned by `angle` (radians, right-handed) about the axis along `axis` through `centre`. */
export function turnAbout(p: Vec3, centre: Vec3, axis: Vec3, angle: number): Vec3 {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  const k = [axis[0] / n, axis[1] / n, axis[2] / n];
  const v = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
  const kv = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
  const cross = [k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  // Rodrigues: v cos + (k x v) sin + k (k . v)(1 - cos).
  return [0, 1, 2].map((i) => centre[i] + v[i] * c + cross[i] * s + k[i] * kv * (1 - c)) as Vec3;
}

/** The file of view `k` of `count`: `out` itself for one view, else `name-007.png` (at least 3 digits). */
export function frameFile(out: string, k: number, count: number): string {
  if (count === 1) return out;
  const dot = out.lastIndexOf('.');
  const digits = Math.max(3, String(count - 1).length);
  return `${out.slice(0, dot)}-${String(k).padStart(digits, '0')}${out.slice(dot)}`;
}

function parseSize(s: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(s);
  const w = m ? Number(m[1]) : NaN;
  const h = m ? Number(m[2]) : NaN;
  if (!(w >= 1 && h >= 1 && w <= 16384 && h <= 16384)) throw new UsageError(`--size must be WIDTHxHEIGHT in pixels (1 to 16384 each), got "${s}"`);
  return [w, h];
}
