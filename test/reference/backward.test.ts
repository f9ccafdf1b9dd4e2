/**
 * referenceBackward against central finite differences of referenceRender, for every parameter
 * kind, on small random scenes built away from the forward's discontinuities (see `margins`).
 * Each finite-difference evaluation also checks that the discrete structure of the render (which
 * splats blend where, clamps, tile rects) did not change, so a passing check is a valid one.
 */
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../src/io/camera';
import { shCoeffCount } from '../../src/io/scene';
import { TILE_SIZE } from '../../src/reference/constants';
import { referenceBackward } from '../../src/reference/backward';
import { referenceBranchCounts } from '../../src/reference/branches';
import { referenceProject, type ProjectedSplat } from '../../src/reference/project';
import { blendPixel, rasterize, referenceTileLists } from '../../src/reference/rasterize';
import { rasterizeBackward } from '../../src/reference/rasterize-backward';
import { referenceRender } from '../../src/reference/render';
import type { ReferenceOptions, ReferenceScene } from '../../src/reference/types';
import { rng } from '../helpers/compare';
import { sceneMargin } from '../helpers/thresholds';

// Central differences in float64: truncation ~ h^2 f''' and round-off ~ 1e-16 |L| / h both stay
// below 1e-9 here, far under the tolerances below.
const STEP = 1e-6;
// Relative error |analytic - fd| / max(|fd|, |analytic|, 1e-3 * largest |fd| of the kind): the
// floor keeps entries that are ~0 from being judged by round-off alone. Each test bounds it at 10x
// the worst kind it measures on a correct build (the finite differences' own error dominates).
// A scene is used only if every threshold is at least this far away (relative), far more than
// the ~1e-4 relative change a step of 1e-6 can make to any alpha, colour, ratio or extent here.
const MARGIN = 1e-3;

interface Scene64 extends ReferenceScene {
  means: Float64Array;
  logScales: Float64Array;
  quats: Float64Array;
  opacityLogits: Float64Array;
  sh: Float64Array;
}

function rotationFromQuat(w: number, x: number, y: number, z: number): number[] {
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

function makeCamera(): Camera {
  // Tilted camera with an off-centre principal point so no axis or centre is special.
  const R = rotationFromQuat(1, 0.08, -0.05, 0.03);
  return { width: 32, height: 24, fx: 30, fy: 28, cx: 15.3, cy: 12.6, R, t: [0.2, -0.1, 0.5] };
}

/** World point whose projection is pixel (u, v) at camera depth z. */
function unproject(cam: Camera, u: number, v: number, z: number): number[] {
  const c = [((u - cam.cx) * z) / cam.fx - cam.t[0], ((v - cam.cy) * z) / cam.fy - cam.t[1], z - cam.t[2]];
  const R = cam.R;
  return [0, 1, 2].map((a) => R[a] * c[0] + R[3 + a] * c[1] + R[6 + a] * c[2]);
}

/**
 * Random splats plus the special cases: Jacobian clamped in x and y on each side, alpha capped at
 * 0.99 near a centre, one colour channel clamped at 0, and one splat behind the camera.
 */
function makeScene(seed: number, cam: Camera, count: number, degree: number): Scene64 {
  const r = rng(seed);
  const K = shCoeffCount(degree);
  const s: Scene64 = {
    count,
    shDegree: degree,
    means: new Float64Array(count * 3),
    logScales: new Float64Array(count * 3),
    quats: new Float64Array(count * 4),
    opacityLogits: new Float64Array(count),
    sh: new Float64Array(count * K * 3),
  };
  for (let i = 0; i < count; i++) {
    let u = 2 + r() * 28;
    let v = 2 + r() * 20;
    const z = 3 + r() * 3;
    let sigmaPx = 1.5 + r() * 2.5;
    let logit = -1 + r() * 3;
    if (i === 0) [u, sigmaPx] = [1.15 * cam.width + 3 + r() * 2, 4.5]; // x/z beyond the clamp
    if (i === 1) [v, sigmaPx] = [1.15 * cam.height + 2 + r() * 2, 4.5]; // y/z beyond the clamp
    if (i === 5) [u, sigmaPx] = [-0.15 * cam.width - 3 - r() * 2, 4.5]; // x/z below the clamp
    if (i === 6) [v, sigmaPx] = [-0.15 * cam.height - 2 - r() * 2, 4.5]; // y/z below the clamp
    // Opacity 0.9991 centred near a pixel centre: alpha capped at that pixel.
    if (i === 2) [u, v, sigmaPx, logit] = [Math.floor(u) + 0.5 + 0.1 * r(), Math.floor(v) + 0.5 + 0.1 * r(), 4, 7];
    const m = unproject(cam, u, v, i === 3 ? -z : z); // splat 3 is behind the camera
    s.means.set(m, 3 * i);
    for (let a = 0; a < 3; a++) s.logScales[3 * i + a] = Math.log((sigmaPx * (0.6 + 0.8 * r()) * z) / cam.fx);
    for (let a = 0; a < 4; a++) s.quats[4 * i + a] = r() * 2 - 1;
    s.opacityLogits[i] = logit;
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 3; c++) s.sh[(i * K + k) * 3 + c] = k === 0 ? (r() - 0.5) * 1.2 : (r() - 0.5) * 0.3;
    }
    if (i === 4) s.sh[(i * K) * 3] = -3; // red far below 0: clamped
  }
  return s;
}

function cloneScene(s: Scene64): Scene64 {
  return { ...s, means: s.means.slice(), logScales: s.logScales.slice(), quats: s.quats.slice(), opacityLogits: s.opacityLogits.slice(), sh: s.sh.slice() };
}

/** Smallest distance of the scene to any threshold of the forward pass (test/helpers/thresholds.ts). */
function margins(scene: Scene64, cam: Camera, opts: ReferenceOptions): number {
  return sceneMargin(scene, referenceProject(scene, cam, opts), cam, opts.shDegree ?? scene.shDegree);
}

/** The discrete choices of a render: which splats blend at each pixel, and every clamp. */
function structure(projected: ProjectedSplat[], cam: Camera): string {
  const parts = projected.map((p) => JSON.stringify([p.visible, p.radius, p.tileRect, p.clampedColor, p.jacobianClamped]));
  const tiles = referenceTileLists(projected, cam.width, cam.height);
  for (let j = 0; j < cam.height; j++) {
    for (let i = 0; i < cam.width; i++) {
      const list = tiles.lists[Math.floor(j / TILE_SIZE) * tiles.gridX + Math.floor(i / TILE_SIZE)];
      const b = blendPixel(projected, list, i, j);
      parts.push(b.steps.map((s) => `${s.splat}${s.alphaClamped ? 'c' : ''}`).join(',') + `/${b.nContrib}`);
    }
  }
  return parts.join(';');
}

function loss(image: Float64Array, vImage: Float64Array): number {
  let l = 0;
  for (let k = 0; k < image.length; k++) l += image[k] * vImage[k];
  return l;
}

/** Max relative error of one parameter kind (see above). */
function maxRelError(analytic: number[], fd: number[]): number {
  const scale = Math.max(...fd.map(Math.abs));
  let worst = 0;
  for (let k = 0; k < fd.length; k++) {
    const denom = Math.max(Math.abs(fd[k]), Math.abs(analytic[k]), 1e-3 * scale, 1e-12);
    worst = Math.max(worst, Math.abs(analytic[k] - fd[k]) / denom);
  }
  return worst;
}

type ParamKey = 'means' | 'logScales' | 'quats' | 'opacityLogits' | 'sh';

function pickScene(cam: Camera, count: number, degree: number, opts: ReferenceOptions, firstSeed: number): Scene64 {
  for (let seed = firstSeed; seed < firstSeed + 200; seed++) {
    const s = makeScene(seed, cam, count, degree);
    if (margins(s, cam, opts) > MARGIN) return s;
  }
  throw new Error('no random scene kept every threshold at a distance; widen the search');
}

function checkAgainstFiniteDifferences(scene: Scene64, cam: Camera, opts: ReferenceOptions, seed: number): Record<string, number> {
  const r = rng(seed);
  const vImage = Float64Array.from({ length: cam.width * cam.height * 3 }, () => r() * 2 - 1);
  const grads = referenceBackward(scene, cam, vImage, opts);
  const base = structure(grads.projected, cam);
  const K = shCoeffCount(scene.shDegree);
  const gradOf: Record<ParamKey, Float64Array> = {
    means: grads.v_means,
    logScales: grads.v_logScales,
    quats: grads.v_quats,
    opacityLogits: grads.v_opacityLogits,
    sh: grads.v_sh,
  };
  const buckets = new Map<string, { a: number[]; fd: number[] }>();
  for (const key of Object.keys(gradOf) as ParamKey[]) {
    for (let k = 0; k < scene[key].length; k++) {
      const evalAt = (delta: number): number => {
        const s = cloneScene(scene);
        s[key][k] += delta;
        const out = referenceRender(s, cam, opts);
        expect(structure(out.projected, cam), `${key}[${k}] step crossed a discontinuity`).toBe(base);
        return loss(out.image, vImage);
      };
      const fd = (evalAt(STEP) - evalAt(-STEP)) / (2 * STEP);
      const name = key === 'sh' ? `sh degree ${Math.floor(Math.sqrt(Math.floor(k / 3) % K))}` : key;
      if (!buckets.has(name)) buckets.set(name, { a: [], fd: [] });
      buckets.get(name)!.a.push(gradOf[key][k]);
      buckets.get(name)!.fd.push(fd);
    }
  }
  const errors: Record<string, number> = {};
  for (const [name, b] of buckets) {
    errors[name] = maxRelError(b.a, b.fd);
    // A check on all-zero gradients would prove nothing.
    if (!name.startsWith('sh degree') || Number(name.slice(-1)) <= (opts.shDegree ?? scene.shDegree)) {
      expect(Math.max(...b.fd.map(Math.abs)), `${name}: finite differences are all zero`).toBeGreaterThan(1e-3);
    }
  }
  return errors;
}

describe('referenceBackward vs central finite differences of referenceRender', () => {
  const cam = makeCamera();

  it('matches for every parameter kind (SH degree 3, background, splat scale)', () => {
    const opts: ReferenceOptions = { background: [0.2, 0.5, 0.9], splatScale: 1.1 };
    const scene = pickScene(cam, 8, 3, opts, 1);
    const proj = referenceProject(scene, cam, opts);
    // The scene exercises what it claims to.
    expect(proj[0].visible && proj[0].jacobianClamped[0]).toBe(true);
    expect(proj[1].visible && proj[1].jacobianClamped[1]).toBe(true);
    expect(proj.some((p) => p.visible && !p.jacobianClamped[0] && !p.jacobianClamped[1])).toBe(true);
    expect(proj[3].visible).toBe(false);
    expect(proj[4].clampedColor[0]).toBe(true);
    const counts = referenceBranchCounts(scene, cam, opts);
    for (const k of ['jacobianXLow', 'jacobianXHigh', 'jacobianYLow', 'jacobianYHigh', 'alphaCapped', 'clampedColorChannels', 'nearCulled'] as const) {
      expect(counts[k], k).toBeGreaterThan(0);
    }

    const errors = checkAgainstFiniteDifferences(scene, cam, opts, 99);
    console.log('reference backward vs finite differences, max relative error:', JSON.stringify(errors));
    // measured 1.5e-6 (quats) on a correct build; 10x.
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1.5e-5);
    expect(Object.keys(errors)).toHaveLength(8);
  });

  it('matches with the anti-aliasing filter, whose opacity compensation depends on the covariance', () => {
    const opts: ReferenceOptions = { background: [0.1, 0.3, 0.2], antialias: true };
    const scene = pickScene(cam, 8, 1, opts, 700);
    const proj = referenceProject(scene, cam, opts);
    // The compensation is a real factor here (small splats lose a visible part of their opacity).
    const comps = proj.filter((p) => p.visible).map((p) => p.compensation);
    expect(Math.min(...comps)).toBeLessThan(0.97);
    expect(proj.every((p) => !p.visible || p.antialias)).toBe(true);
    const errors = checkAgainstFiniteDifferences(scene, cam, opts, 31);
    console.log('anti-aliased, max relative error:', JSON.stringify(errors));
    // measured 1.1e-6 (quats) on a correct build; 10x.
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1.1e-5);
  });

  it("matches with Mip-Splatting's 0.1 px^2 filter", () => {
    const opts: ReferenceOptions = { background: [0.2, 0.1, 0.3], antialias: true, filter2d: 0.1 };
    const scene = pickScene(cam, 8, 1, opts, 710);
    const proj = referenceProject(scene, cam, opts);
    expect(proj.every((p) => !p.visible || p.filter2d === 0.1)).toBe(true);
    // A third of the 0.3 filter's size: still a real factor on the smallest splats.
    const comps = proj.filter((p) => p.visible).map((p) => p.compensation);
    expect(Math.min(...comps)).toBeLessThan(0.99);
    const errors = checkAgainstFiniteDifferences(scene, cam, opts, 37);
    console.log('anti-aliased at 0.1 px^2, max relative error:', JSON.stringify(errors));
    // measured 4.5e-6 (opacity logits) on a correct build; 10x.
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(4.5e-5);
  });

  it('gives zero SH gradients above the active degree and matches below it', () => {
    const opts: ReferenceOptions = { shDegree: 1 };
    const scene = pickScene(cam, 5, 3, opts, 300);
    const errors = checkAgainstFiniteDifferences(scene, cam, opts, 7);
    console.log('active SH degree 1 of 3, max relative error:', JSON.stringify(errors));
    // measured 6.5e-7 (opacity logits) on a correct build; 10x.
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(6.5e-6);
    const g = referenceBackward(scene, cam, new Float64Array(cam.width * cam.height * 3).fill(1), opts);
    const K = shCoeffCount(3);
    for (let i = 0; i < scene.count; i++) {
      for (let k = 4; k < K; k++) for (let c = 0; c < 3; c++) expect(g.v_sh[(i * K + k) * 3 + c]).toBe(0);
    }
  });

  it('rasterizer gradients (2D mean, conic, opacity, colour) match finite differences of the compositing', () => {
    const opts: ReferenceOptions = { background: [0.7, 0.1, 0.4] };
    const scene = pickScene(cam, 6, 0, opts, 500);
    const projected = referenceProject(scene, cam, opts);
    const r = rng(3);
    const vImage = Float64Array.from({ length: cam.width * cam.height * 3 }, () => r() * 2 - 1);
    const grads = rasterizeBackward(projected, cam.width, cam.height, opts.background!, vImage);
    const base = structure(projected, cam);
    type Field = 'mean2d' | 'conic' | 'opacity' | 'color';
    const fields: [Field, number, Float64Array][] = [
      ['mean2d', 2, grads.v_mean2d],
      ['conic', 3, grads.v_conic],
      ['opacity', 1, grads.v_opacity],
      ['color', 3, grads.v_color],
    ];
    const errors: Record<string, number> = {};
    for (const [field, width, analytic] of fields) {
      const a: number[] = [];
      const fd: number[] = [];
      projected.forEach((p, i) => {
        if (!p.visible) return;
        for (let c = 0; c < width; c++) {
          const evalAt = (delta: number): number => {
            const moved = projected.map((q) => ({ ...q, mean2d: [...q.mean2d], conic: [...q.conic], color: [...q.color] }) as ProjectedSplat);
            if (field === 'opacity') moved[i].opacity += delta;
            else moved[i][field][c] += delta;
            expect(structure(moved, cam), `${field}[${i}] step crossed a discontinuity`).toBe(base);
            return loss(rasterize(moved, cam.width, cam.height, opts.background!).image, vImage);
          };
          fd.push((evalAt(STEP) - evalAt(-STEP)) / (2 * STEP));
          a.push(analytic[i * width + c]);
        }
      });
      errors[field] = maxRelError(a, fd);
      expect(Math.max(...fd.map(Math.abs))).toBeGreaterThan(1e-3);
    }
    console.log('rasterizer backward vs finite differences, max relative error:', JSON.stringify(errors));
    // measured 1.2e-6 (2D mean) on a correct build; 10x.
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1.2e-5);
  });

  it('reports densification statistics in NDC units and nothing for culled splats', () => {
    const opts: ReferenceOptions = {};
    const scene = pickScene(cam, 8, 1, opts, 700);
    const r = rng(11);
    const vImage = Float64Array.from({ length: cam.width * cam.height * 3 }, () => r() * 2 - 1);
    const g = referenceBackward(scene, cam, vImage, opts);
    const h = STEP;
    let worst = 0;
    for (let i = 0; i < scene.count; i++) {
      const p = g.projected[i];
      expect(g.densify.visible[i]).toBe(p.visible ? 1 : 0);
      expect(g.densify.radius[i]).toBe(p.radius);
      if (!p.visible) {
        expect(g.densify.gradNormNdc[i]).toBe(0);
        for (const arr of [g.v_means, g.v_logScales]) for (let a = 0; a < 3; a++) expect(arr[3 * i + a]).toBe(0);
        continue;
      }
      // Independent check: move the 2D mean by h in NDC (h W/2 pixels) along each axis.
      const ndcGrad = [0, 1].map((axis) => {
        const evalAt = (delta: number): number => {
          const moved = g.projected.map((q) => ({ ...q, mean2d: [...q.mean2d] }) as ProjectedSplat);
          moved[i].mean2d[axis] += (delta * (axis === 0 ? cam.width : cam.height)) / 2;
          return loss(rasterize(moved, cam.width, cam.height, [0, 0, 0]).image, vImage);
        };
        return (evalAt(h) - evalAt(-h)) / (2 * h);
      });
      const want = Math.hypot(ndcGrad[0], ndcGrad[1]);
      worst = Math.max(worst, Math.abs(g.densify.gradNormNdc[i] - want) / Math.max(want, 1e-3));
    }
    // measured 1.3e-8 on a correct build; 10x.
    expect(worst).toBeLessThan(1.3e-7);
    expect(g.densify.visible[3]).toBe(0); // behind the camera
  });
});
