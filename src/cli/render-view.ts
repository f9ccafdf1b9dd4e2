/**
 * Which view `splat render` draws: a COLMAP camera JSON (`--camera`), the viewer page's link
 * (`--view`: eye, target, up and fov, as the page writes them to its address bar), or, with
 * neither, the view the page opens the scene with (framed from the front, its robust bounds
 * filling the narrower field). The last two take `--size WxH`.
 */
import type { Camera } from '../io/camera';
import type { SplatScene } from '../io/scene';
import { defaultViewPose, robustBounds } from '../view/scene-framing';
import { COLMAP_UP, DEFAULT_FOV_Y, poseToCamera, viewNear, type Vec3 } from '../view/view-camera';
import { parseViewParams, poseFromParams } from '../view/view-url';
import { type ParsedArgs, UsageError, flagString } from './args';

/** The image size of `--view` and the default view unless `--size` says otherwise. */
export const DEFAULT_RENDER_SIZE: [number, number] = [1280, 720];

/** A view made for the scene (`viewCamera`): from a link, or the page's default. */
export interface MadeView {
  kind: 'view';
  link: string | undefined;
  width: number;
  height: number;
  yUp: boolean;
}

/** A camera JSON's path (it names its own size) or a view made for the scene. */
export type ViewSpec = { kind: 'camera'; path: string } | MadeView;

/** The view flags, checked before the scene is read. */
export function viewSpec(p: ParsedArgs): ViewSpec {
  const path = flagString(p, 'camera');
  const link = flagString(p, 'view');
  const size = flagString(p, 'size');
  const yUp = p.flags.get('y-up') === true;
  if (path !== undefined && link !== undefined) throw new UsageError('--camera and --view both name a view: give one');
  if (path !== undefined) {
    if (size !== undefined) throw new UsageError(`--size applies to --view and the default view; ${path} names its own width and height`);
    if (yUp) throw new UsageError(`--y-up applies to the default view; ${path} names its own orientation`);
    return { kind: 'camera', path };
  }
  const [width, height] = size === undefined ? DEFAULT_RENDER_SIZE : parseSize(size);
  return { kind: 'view', link, width, height, yUp };
}

/** The renderer's camera for a made view of `scene`, with the page's near plane. */
export function viewCamera(spec: MadeView, scene: SplatScene): Camera {
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
  const camera = poseToCamera(pose, spec.width, spec.height);
  camera.near = viewNear(bounds?.radius, pose); // the page's near plane for this scene and view
  return camera;
}

function parseSize(s: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(s);
  const w = m ? Number(m[1]) : NaN;
  const h = m ? Number(m[2]) : NaN;
  if (!(w >= 1 && h >= 1 && w <= 16384 && h <= 16384)) throw new UsageError(`--size must be WIDTHxHEIGHT in pixels (1 to 16384 each), got "${s}"`);
  return [w, h];
}
