/**
 * Orbit camera with damped motion. Input moves a goal state (target, yaw, pitch, log distance
 * around an up axis); every frame the current state moves a fixed fraction of the way to the
 * goal, so drags, wheel steps and jumps (frame, reset, double-click) all glide. Pure math: the
 * DOM bindings live in input.ts.
 */
import { vec3, type ReadonlyVec3 } from 'gl-matrix';
import { framingDistance } from '../view/scene-framing';
import { DEFAULT_FOV_Y, type Vec3, type ViewPose } from '../view/view-camera';

export interface OrbitOptions {
  /** Damping time constant in seconds: the gap to the goal shrinks by e per tau. Default 0.08. */
  tau?: number;
  /** Orbit angle per dragged pixel, radians. Default 0.006. */
  orbitSpeed?: number;
  /** Fly speed in orbit distances per second (WASD/QE). Default 1. */
  flySpeed?: number;
}

/** Pitch stays this far from the poles so the up axis never flips mid-orbit. */
const MAX_PITCH = Math.PI / 2 - 0.01;
/** Relative gap below which the current state snaps to the goal and motion stops. */
const SETTLE = 1e-5;

interface OrbitState {
  target: Float64Array;
  yaw: number;
  pitch: number;
  logDistance: number;
}

function makeState(): OrbitState {
  return { target: new Float64Array(3), yaw: 0, pitch: 0, logDistance: 0 };
}

function copyState(dst: OrbitState, src: OrbitState): void {
  dst.target.set(src.target);
  dst.yaw = src.yaw;
  dst.pitch = src.pitch;
  dst.logDistance = src.logDistance;
}

export class OrbitController {
  readonly tau: number;
  readonly orbitSpeed: number;
  readonly flySpeed: number;
  fovY = DEFAULT_FOV_Y;
  /** Fly velocity in [-1, 1] per axis (forward, right, up), set by held keys. */
  readonly fly = { forward: 0, right: 0, up: 0 };

  private readonly goal = makeState();
  private readonly current = makeState();
  // Orthonormal frame: u = up; a, b span the horizontal plane with b = u x a.
  private readonly u = new Float64Array([0, -1, 0]);
  private readonly a = new Float64Array(3);
  private readonly b = new Float64Array(3);
  private minLogDistance = Math.log(1e-6);
  private maxLogDistance = Math.log(1e6);
  private readonly tmp = new Float64Array(3);
  private readonly tmp2 = new Float64Array(3);
  private readonly tmp3 = new Float64Array(3);

  constructor(options: OrbitOptions = {}) {
    this.tau = options.tau ?? 0.08;
    this.orbitSpeed = options.orbitSpeed ?? 0.006;
    this.flySpeed = options.flySpeed ?? 1;
    this.setUpAxis(this.u);
  }

  /** World up axis currently used (unit length). */
  get up(): Vec3 {
    return [this.u[0], this.u[1], this.u[2]];
  }

  /** Orbit distance of the goal state. */
  get distance(): number {
    return Math.exp(this.goal.logDistance);
  }

  /** Keeps zoom within [1e-4, 1e3] scene radii so the wheel never gets stuck near zero. */
  setSceneRadius(radius: number): void {
    const r = radius > 0 && Number.isFinite(radius) ? radius : 1;
    this.minLogDistance = Math.log(r * 1e-4);
    this.maxLogDistance = Math.log(r * 1e3);
    this.goal.logDistance = this.clampLog(this.goal.logDistance);
  }

  /** Jumps (or glides, if `animate`) to a pose; the pose's up becomes the orbit axis. */
  setPose(pose: ViewPose, animate = false): void {
    this.fovY = pose.fovY;
    // A different up cannot be interpolated in yaw/pitch: such a change jumps.
    const axisChanged = !sameDirection(this.u, pose.up);
    this.setUpAxis(pose.up);
    this.goal.target.set(pose.target);
    this.setGoalAnglesFromEye(pose.eye);
    if (!animate || axisChanged) copyState(this.current, this.goal);
  }

  /** Pose of the current (damped) state. */
  getPose(out?: ViewPose): ViewPose {
    return this.poseOf(this.current, out);
  }

  /** Pose the motion is heading to. */
  getGoalPose(out?: ViewPose): ViewPose {
    return this.poseOf(this.goal, out);
  }

  /** Left drag: a drag to the right swings the eye to the left (the scene turns right). */
  orbit(dxPx: number, dyPx: number): void {
    this.goal.yaw -= dxPx * this.orbitSpeed;
    this.goal.pitch = clamp(this.goal.pitch + dyPx * this.orbitSpeed, -MAX_PITCH, MAX_PITCH);
  }

  /**
   * Turns the view about the up axis through the orbit centre by `radians` at once (auto-rotate):
   * the current and the goal pose turn together, so the damping adds no lag.
   */
  turn(radians: number): void {
    this.goal.yaw += radians;
    this.current.yaw += radians;
  }

  /** Right/middle drag: the point under the cursor at target depth follows the cursor. */
  pan(dxPx: number, dyPx: number, viewportHeightPx: number): void {
    const right = this.tmp;
    const down = this.tmp2;
    this.basisOf(this.goal, right, down);
    const worldPerPx = (2 * this.distance * Math.tan((this.fovY * Math.PI) / 360)) / viewportHeightPx;
    vec3.scaleAndAdd(this.goal.target, this.goal.target, right, -dxPx * worldPerPx);
    vec3.scaleAndAdd(this.goal.target, this.goal.target, down, -dyPx * worldPerPx);
  }

  /** Multiplies the orbit distance (factor > 1 moves away). */
  zoom(factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor)) return;
    this.goal.logDistance = this.clampLog(this.goal.logDistance + Math.log(factor));
  }

  /** New orbit centre (double-click): the eye stays where it is, the view turns to `point`. */
  setOrbitCentre(point: ReadonlyVec3): void {
    const eye = this.eyeOf(this.goal, this.tmp2);
    const e: Vec3 = [eye[0], eye[1], eye[2]];
    if (vec3.distance(e, point) < 1e-12) return;
    this.goal.target.set(point);
    this.setGoalAnglesFromEye(e);
  }

  /** Frames a sphere: centre it and back off until it fits the narrower field of view. */
  frame(centre: ReadonlyVec3, radius: number, aspect: number): void {
    this.goal.target.set(centre);
    this.goal.logDistance = this.clampLog(Math.log(framingDistance(radius, this.fovY, aspect)));
  }

  /** Flips the up axis (y-down COLMAP scenes vs y-up scenes); the eye and target stay put. */
  flipUp(): void {
    const eye = this.eyeOf(this.goal, this.tmp2);
    const e: Vec3 = [eye[0], eye[1], eye[2]];
    this.setUpAxis([-this.u[0], -this.u[1], -this.u[2]]);
    this.setGoalAnglesFromEye(e);
    // The old current angles mean nothing around the new axis: restart the glide from the goal.
    copyState(this.current, this.goal);
  }

  /**
   * Advances the damped motion by `dt` seconds; returns true when the camera moved in this step
   * (false once it rests at the goal).
   */
  update(dt: number): boolean {
    const flying = this.fly.forward !== 0 || this.fly.right !== 0 || this.fly.up !== 0;
    if (flying) this.applyFly(dt);
    const before = this.gap();
    if (before === 0) return false;
    const k = 1 - Math.exp(-Math.max(dt, 0) / this.tau);
    const g = this.goal;
    const c = this.current;
    for (let i = 0; i < 3; i++) c.target[i] += (g.target[i] - c.target[i]) * k;
    c.yaw += (g.yaw - c.yaw) * k;
    c.pitch += (g.pitch - c.pitch) * k;
    c.logDistance += (g.logDistance - c.logDistance) * k;
    if (this.gap() < SETTLE) copyState(c, g);
    return true;
  }

  /** Largest difference between current and goal: angles in radians, positions in orbit distances. */
  private gap(): number {
    const g = this.goal;
    const c = this.current;
    const scale = Math.exp(c.logDistance);
    let gap = Math.max(Math.abs(g.yaw - c.yaw), Math.abs(g.pitch - c.pitch), Math.abs(g.logDistance - c.logDistance));
    for (let i = 0; i < 3; i++) gap = Math.max(gap, Math.abs(g.target[i] - c.target[i]) / scale);
    return gap;
  }

  private applyFly(dt: number): void {
    const right = this.tmp;
    const down = this.tmp2;
    this.basisOf(this.goal, right, down);
    const forward = this.tmp3; // written by basisOf
    const step = this.flySpeed * this.distance * dt;
    const t = this.goal.target;
    vec3.scaleAndAdd(t, t, forward, this.fly.forward * step);
    vec3.scaleAndAdd(t, t, right, this.fly.right * step);
    vec3.scaleAndAdd(t, t, this.u, this.fly.up * step);
  }

  private setUpAxis(up: ReadonlyVec3): void {
    const n = Math.hypot(up[0], up[1], up[2]);
    if (!(n > 0) || !Number.isFinite(n)) throw new Error('view pose: up must be a non-zero finite vector');
    this.u.set([up[0] / n, up[1] / n, up[2] / n]);
    // a: the world axis least aligned with up, made perpendicular to it.
    const absU = [Math.abs(this.u[0]), Math.abs(this.u[1]), Math.abs(this.u[2])];
    const axis = absU.indexOf(Math.min(...absU));
    this.a.fill(0);
    this.a[axis] = 1;
    vec3.scaleAndAdd(this.a, this.a, this.u, -this.u[axis]);
    vec3.normalize(this.a, this.a);
    vec3.cross(this.b, this.u, this.a);
  }

  /** Yaw/pitch/distance of the goal so its eye lands on `eye` (yaw unwrapped to the nearest turn). */
  private setGoalAnglesFromEye(eye: ReadonlyVec3): void {
    const off = vec3.subtract(this.tmp, eye, this.goal.target);
    const dist = vec3.length(off);
    if (!(dist > 0)) throw new Error('view pose: eye and target coincide');
    const h = vec3.dot(off, this.u) / dist;
    const pitch = clamp(Math.asin(clamp(h, -1, 1)), -MAX_PITCH, MAX_PITCH);
    const yawRaw = Math.atan2(vec3.dot(off, this.b), vec3.dot(off, this.a));
    const turns = Math.round((this.goal.yaw - yawRaw) / (2 * Math.PI));
    this.goal.yaw = yawRaw + turns * 2 * Math.PI;
    this.goal.pitch = pitch;
    this.goal.logDistance = this.clampLog(Math.log(dist));
  }

  private eyeOf(s: OrbitState, out: Float64Array): Float64Array {
    const cp = Math.cos(s.pitch);
    const d = Math.exp(s.logDistance);
    for (let i = 0; i < 3; i++) {
      const dir = cp * (Math.cos(s.yaw) * this.a[i] + Math.sin(s.yaw) * this.b[i]) + Math.sin(s.pitch) * this.u[i];
      out[i] = s.target[i] + d * dir;
    }
    return out;
  }

  /** Camera right and down axes of a state; forward (eye to target) is left in tmp3. */
  private basisOf(s: OrbitState, right: Float64Array, down: Float64Array): void {
    const cp = Math.cos(s.pitch);
    const forward = this.tmp3;
    for (let i = 0; i < 3; i++) {
      forward[i] = -(cp * (Math.cos(s.yaw) * this.a[i] + Math.sin(s.yaw) * this.b[i]) + Math.sin(s.pitch) * this.u[i]);
    }
    vec3.cross(right, forward, this.u);
    vec3.normalize(right, right);
    vec3.cross(down, forward, right);
  }

  private poseOf(s: OrbitState, out?: ViewPose): ViewPose {
    const pose: ViewPose = out ?? { eye: [0, 0, 0], target: [0, 0, 0], up: [0, 0, 0], fovY: this.fovY };
    const eye = this.eyeOf(s, this.tmp);
    for (let i = 0; i < 3; i++) {
      pose.eye[i] = eye[i];
      pose.target[i] = s.target[i];
      pose.up[i] = this.u[i];
    }
    pose.fovY = this.fovY;
    return pose;
  }

  private clampLog(x: number): number {
    return clamp(x, this.minLogDistance, this.maxLogDistance);
  }
}


function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function sameDirection(a: ReadonlyVec3, b: ReadonlyVec3): boolean {
  const na = Math.hypot(a[0], a[1], a[2]);
  const nb = Math.hypot(b[0], b[1], b[2]);
  return (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb) > 1 - 1e-9;
}
