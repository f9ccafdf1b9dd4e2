/**
 * Shareable links: `?url=<scene>&eye=x,y,z&target=x,y,z&up=x,y,z&fov=<vertical degrees>`, in
 * world coordinates of the scene file. Parsing never throws: bad values are reported and the
 * rest of the link still applies.
 */
import type { Vec3, ViewPose } from './view-camera';

export interface ViewParams {
  /** Scene to open instead of the embedded default. */
  url: string | null;
  eye?: Vec3;
  target?: Vec3;
  up?: Vec3;
  fovY?: number;
  /** Auto-rotate speed, degrees per second (`spin=`). */
  spin?: number;
  /** One message per malformed parameter, naming it. */
  errors: string[];
}

export function parseViewParams(search: string): ViewParams {
  const q = new URLSearchParams(search);
  const out: ViewParams = { url: q.get('url') || null, errors: [] };
  const vec = (key: 'eye' | 'target' | 'up'): void => {
    const text = q.get(key);
    if (text === null) return;
    const parts = text.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (parts.length !== 3 || parts.some((s) => s === '') || nums.some((v) => !Number.isFinite(v))) {
      out.errors.push(`link parameter ${key}=${text}: expected three comma-separated numbers`);
      return;
    }
    if (key === 'up' && nums.every((v) => v === 0)) {
      out.errors.push(`link parameter up=${text}: must not be the zero vector`);
      return;
    }
    out[key] = nums as Vec3;
  };
  vec('eye');
  vec('target');
  vec('up');
  const fov = q.get('fov');
  if (fov !== null) {
    const v = Number(fov);
    if (fov.trim() === '' || !(v > 0 && v < 180)) out.errors.push(`link parameter fov=${fov}: expected vertical degrees in (0, 180)`);
    else out.fovY = v;
  }
  const spin = q.get('spin');
  if (spin !== null) {
    const v = Number(spin);
    if (spin.trim() === '' || !Number.isFinite(v) || Math.abs(v) > 3600) out.errors.push(`link parameter spin=${spin}: expected degrees per second in [-3600, 3600]`);
    else out.spin = v;
  }
  if ((out.eye === undefined) !== (out.target === undefined) && out.errors.length === 0) {
    out.errors.push('link parameters eye and target must be given together');
  }
  if (out.eye && out.target && out.eye.every((v, i) => v === out.target![i])) {
    out.errors.push('link parameters eye and target must differ');
    delete out.eye;
    delete out.target;
  }
  return out;
}

/** Full pose from a link, or null when the link does not fix the camera. */
export function poseFromParams(p: ViewParams, defaults: { up: Vec3; fovY: number }): ViewPose | null {
  if (!p.eye || !p.target) return null;
  return { eye: p.eye, target: p.target, up: p.up ?? defaults.up, fovY: p.fovY ?? defaults.fovY };
}

/** Six significant digits: sub-millimetre for room-sized scenes, short enough to paste. */
function num(v: number): string {
  const s = String(Number(v.toPrecision(6)));
  return s === '-0' ? '0' : s;
}

/**
 * What the address bar may say about the scene shown. A camera is only meaningful beside the
 * scene it belongs to: a link with `eye=` but no `url=` opens the embedded default scene, so a
 * local file or a training run (which have no address) must leave no camera behind.
 * - `url`: the scene's address and the camera;
 * - `default`: the embedded default scene (no `url=`) and the camera;
 * - `none`: no address exists, so neither `url=` nor a camera;
 * - `keep`: the address bar stays as it is (the default scene shown in place of a linked scene
 *   that failed to load: reloading retries the link).
 */
export type SceneLink = { kind: 'url'; url: string } | { kind: 'default' } | { kind: 'none' } | { kind: 'keep' };

const VIEW_KEYS = ['eye', 'target', 'up', 'fov'] as const;

/**
 * `search` rewritten for the scene shown from `pose` (other parameters kept in place), or null
 * when the address bar is to be left alone (`keep`).
 */
export function formatViewSearch(search: string, pose: ViewPose, link: SceneLink): string | null {
  if (link.kind === 'keep') return null;
  const q = new URLSearchParams(search);
  if (link.kind === 'url') q.set('url', link.url);
  else q.delete('url');
  if (link.kind === 'none') {
    for (const k of VIEW_KEYS) q.delete(k);
  } else {
    q.set('eye', pose.eye.map(num).join(','));
    q.set('target', pose.target.map(num).join(','));
    q.set('up', pose.up.map(num).join(','));
    q.set('fov', num(pose.fovY));
  }
  const text = q.toString();
  // Commas are legal in a query; keeping them readable makes links easy to edit by hand.
  return text === '' ? '' : '?' + text.replace(/%2C/g, ',');
}
