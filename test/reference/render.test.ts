import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookAtCamera, type Camera } from '../../src/io/camera';
import { readPly } from '../../src/io/ply';
import { emptyScene, sceneBounds, SH_C0, type SplatScene } from '../../src/io/scene';
import { referenceBackward } from '../../src/reference/backward';
import { rng } from '../helpers/compare';
import { referenceTileLists } from '../../src/reference/rasterize';
import { referenceRender } from '../../src/reference/render';

// Principal point on a pixel centre: a splat on the optical axis sits exactly on pixel (24, 16).
const CAM: Camera = { width: 48, height: 32, fx: 40, fy: 40, cx: 24.5, cy: 16.5, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };

interface SplatSpec {
  u: number;
  v: number;
  z: number;
  /** Screen-space standard deviation in pixels (before dilation). */
  sigmaPx: number;
  logit: number;
  /** Target colour: DC coefficient (rgb - 0.5) / C0. */
  rgb: [number, number, number];
}

function sceneOf(specs: SplatSpec[]): SplatScene {
  const s = emptyScene(specs.length, 0);
  specs.forEach((p, i) => {
    s.means.set([((p.u - CAM.cx) * p.z) / CAM.fx, ((p.v - CAM.cy) * p.z) / CAM.fy, p.z], 3 * i);
    const ls = Math.log((p.sigmaPx * p.z) / CAM.fx);
    s.logScales.set([ls, ls, ls], 3 * i);
    s.opacityLogits[i] = p.logit;
    s.sh.set(p.rgb.map((c) => (c - 0.5) / SH_C0), 3 * i);
  });
  return s;
}

const spec = (over: Partial<SplatSpec>): SplatSpec => ({ u: 24.5, v: 16.5, z: 3, sigmaPx: 3, logit: 0.4, rgb: [0.9, 0.3, 0.1], ...over });
const pix = (i: number, j: number) => (j * CAM.width + i) * 3;

// Colours pass through f32 SH coefficients and back: exact to ~1e-7 relative; the compositing
// itself is checked against the same projected colour (measured at most 2.8e-17; 10x).
const EXACT = 2.8e-16;

describe('referenceRender', () => {
  it('a splat on a pixel centre gives o * c there and o * G * c around, and nothing outside its rect', () => {
    const bg: [number, number, number] = [0.1, 0.2, 0.3];
    // Mean (0, -1.375, 5) is exact in f32, so the splat sits exactly on pixel (24, 5). Radius
    // ceil(3 sqrt(lambda_max)) = 11 and (5.5 + 11 + 15.5) / 16 = 2: tile row 1 is inside the
    // rect, because pixel row 16's centre is exactly r = 11 px away (INRIA's (mu + r + 15) / 16
    // = 1.97 would cut it off although alpha there, 3.2 sigma out at opacity 0.98, is above 1/255).
    const scene = sceneOf([spec({ v: 5.5, z: 5, sigmaPx: 3.4, logit: 4 })]);
    const out = referenceRender(scene, CAM, { background: bg });
    const p = out.projected[0];
    expect(p.mean2d).toEqual([24.5, 5.5]);
    expect(p.radius).toBe(11);
    const o = 1 / (1 + Math.exp(-4));
    const c = p.color;
    const at = pix(24, 5);
    for (let ch = 0; ch < 3; ch++) {
      expect(Math.abs(out.image[at + ch] - (o * c[ch] + (1 - o) * bg[ch]))).toBeLessThan(EXACT);
      expect(Math.abs(c[ch] - [0.9, 0.3, 0.1][ch])).toBeLessThan(1.5e-7); // measured 1.5e-8 (f32 SH); 10x
    }
    expect(Math.abs(out.alpha[24 + 5 * CAM.width] - o)).toBeLessThan(EXACT);

    // Every pixel: G from the projected conic (checked against the EWA formula in project.test.ts).
    const [A, B, C] = p.conic;
    const r = p.tileRect;
    let clipped = 0;
    for (let j = 0; j < CAM.height; j++) {
      for (let i = 0; i < CAM.width; i++) {
        const [dx, dy] = [i + 0.5 - p.mean2d[0], j + 0.5 - p.mean2d[1]];
        const alpha = Math.min(0.99, o * Math.exp(-0.5 * (A * dx * dx + 2 * B * dx * dy + C * dy * dy)));
        const inRect = Math.floor(i / 16) >= r.minX && Math.floor(i / 16) < r.maxX && Math.floor(j / 16) >= r.minY && Math.floor(j / 16) < r.maxY;
        const blends = inRect && alpha >= 1 / 255;
        if (!inRect && alpha >= 1 / 255) {
          clipped++;
          // The rect keeps every pixel centre within r of the mean on both axes.
          expect(Math.abs(dx) > p.radius || Math.abs(dy) > p.radius).toBe(true);
        }
        for (let ch = 0; ch < 3; ch++) {
          const want = blends ? alpha * c[ch] + (1 - alpha) * bg[ch] : bg[ch];
          expect(Math.abs(out.image[pix(i, j) + ch] - want)).toBeLessThan(1e-12);
        }
        expect(out.nContrib[j * CAM.width + i]).toBe(blends ? 1 : 0);
      }
    }
    // Row 16 (11 px = r away, alpha > 1/255) blends: nothing within the extent is cut off.
    expect(out.nContrib[16 * CAM.width + 24]).toBe(1);
    expect(clipped).toBe(0);
    // x = 0: the first row of J is (fx / z, 0, 0), so a = (fx s / z)^2 + 0.3 = 3.4^2 + 0.3 up to f32 log-scales.
    expect(Math.abs(p.cov2d[0] - (3.4 ** 2 + 0.3))).toBeLessThan(2.1e-6); // measured 2.1e-7; 10x
    expect(Math.abs(B)).toBe(0);
  });

  it('blends front to back by depth, ties by splat index', () => {
    const red: [number, number, number] = [0.9, 0.1, 0.1];
    const blue: [number, number, number] = [0.1, 0.1, 0.9];
    const composite = (front: number[], back: number[], a1: number, a2: number, bg: number[]) =>
      [0, 1, 2].map((ch) => front[ch] * a1 + back[ch] * a2 * (1 - a1) + bg[ch] * (1 - a1) * (1 - a2));
    const bg = [0.5, 0.5, 0.5];
    for (const [zRed, zBlue, redFirst] of [
      [2, 4, true],
      [4, 2, false],
      [3, 3, true], // equal depth: index 0 (red) is in front
    ] as [number, number, boolean][]) {
      const scene = sceneOf([spec({ z: zRed, rgb: red, logit: 0.2 }), spec({ z: zBlue, rgb: blue, logit: 1 })]);
      const out = referenceRender(scene, CAM, { background: bg as [number, number, number] });
      const [pr, pb] = out.projected;
      const [aR, aB] = [pr.opacity, pb.opacity]; // G = 1 at the shared centre pixel
      const want = redFirst ? composite(pr.color, pb.color, aR, aB, bg) : composite(pb.color, pr.color, aB, aR, bg);
      for (let ch = 0; ch < 3; ch++) expect(Math.abs(out.image[pix(24, 16) + ch] - want[ch])).toBeLessThan(EXACT);
      expect(out.finalT[16 * CAM.width + 24]).toBeCloseTo((1 - aR) * (1 - aB), 15);
      const list = referenceTileLists(out.projected, CAM.width, CAM.height).lists[1 * 3 + 1];
      expect(list).toEqual(redFirst ? [0, 1] : [1, 0]);
    }
  });

  it('caps alpha at 0.99 and stops before the splat that would take T below 1e-4', () => {
    // Four opaque splats at one pixel: alpha 0.99 each; after two, T = 1e-4 (just above, by
    // round-off of 1 - 0.99), and the third would give 1e-6 < 1e-4, so it stops there.
    const cols: [number, number, number][] = [[0.8, 0.2, 0.2], [0.2, 0.8, 0.2], [0.2, 0.2, 0.8], [0.5, 0.5, 0.5]];
    const scene = sceneOf(cols.map((rgb, k) => spec({ z: 2 + k, rgb, logit: 9 })));
    const bg: [number, number, number] = [1, 1, 1];
    const out = referenceRender(scene, CAM, { background: bg });
    const c0 = out.projected[0].color;
    const c1 = out.projected[1].color;
    const at = 16 * CAM.width + 24;
    const T = (1 - 0.99) * (1 - 0.99);
    expect(out.nContrib[at]).toBe(2);
    expect(out.finalT[at]).toBe(T);
    for (let ch = 0; ch < 3; ch++) expect(Math.abs(out.image[3 * at + ch] - (0.99 * c0[ch] + 0.99 * 0.01 * c1[ch] + T * bg[ch]))).toBeLessThan(EXACT);
    // One opaque splat alone: 0.99 c + 0.01 bg.
    const single = referenceRender(sceneOf([spec({ logit: 9 })]), CAM, { background: bg });
    const c = single.projected[0].color;
    for (let ch = 0; ch < 3; ch++) expect(Math.abs(single.image[3 * at + ch] - (0.99 * c[ch] + 0.01 * bg[ch]))).toBeLessThan(EXACT);
  });

  it('counts skipped splats of the tile list in nContrib up to the last blended one', () => {
    // Splat 0 (front) sits at the left of tile (1, 1) and is too faint at pixel (30, 20); splat 1
    // (behind) is centred there. The pixel processes both and blends only the second.
    const scene = sceneOf([spec({ u: 16.5, v: 20.5, z: 2, sigmaPx: 1 }), spec({ u: 30.5, v: 20.5, z: 5, sigmaPx: 1 })]);
    const out = referenceRender(scene, CAM);
    const list = referenceTileLists(out.projected, CAM.width, CAM.height).lists[1 * 3 + 1];
    expect(list).toEqual([0, 1]);
    expect(out.nContrib[20 * CAM.width + 30]).toBe(2);
    expect(out.nContrib[20 * CAM.width + 16]).toBe(1);
    expect(out.nContrib[28 * CAM.width + 40]).toBe(0);
    expect(out.alpha[28 * CAM.width + 40]).toBe(0);
    expect(out.image[pix(40, 28)]).toBe(0);
  });

  it('multiplies the scales by splatScale and uses only the active SH degree', () => {
    const s = emptyScene(1, 1);
    s.means.set([0, 0, 3]);
    s.logScales.set([Math.log(0.1), Math.log(0.1), Math.log(0.1)]);
    s.sh.set([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]); // k = 2, red: Y_2 = C1 z
    const base = referenceRender(s, CAM, { shDegree: 0 });
    const full = referenceRender(s, CAM);
    const big = referenceRender(s, CAM, { splatScale: 2, shDegree: 0 });
    expect(base.projected[0].color).toEqual([0.5, 0.5, 0.5]);
    expect(full.projected[0].color[0]).toBeCloseTo(0.5 + 0.4886025119029199, 15); // view dir (0, 0, 1)
    const sigma = (40 * 0.1) / 3;
    // measured 1.1e-7 and 4.6e-7 (the f32 log-scale of 0.1); 10x.
    expect(Math.abs(1 / base.projected[0].conic[0] - (sigma ** 2 + 0.3))).toBeLessThan(1.1e-6);
    expect(Math.abs(1 / big.projected[0].conic[0] - ((2 * sigma) ** 2 + 0.3))).toBeLessThan(4.6e-6);
  });

  it('renders an empty scene as the background', () => {
    const out = referenceRender(emptyScene(0, 0), CAM, { background: [0.25, 0.5, 0.75] });
    expect(out.image.length).toBe(48 * 32 * 3);
    expect(Array.from(out.image.slice(0, 3))).toEqual([0.25, 0.5, 0.75]);
    expect(out.alpha.every((a) => a === 0)).toBe(true);
  });

  it('renders a real trained scene independently of the splat order in the file', async () => {
    const file = path.resolve(__dirname, '../../../shared/data/ply/playbot-1873.ply');
    const { scene } = await readPly(new Uint8Array(readFileSync(file)), 'playbot-1873.ply');
    const b = sceneBounds(scene);
    const centre = [0, 1, 2].map((a) => (b.min[a] + b.max[a]) / 2);
    const size = Math.max(...[0, 1, 2].map((a) => b.max[a] - b.min[a]));
    // The scene is y-down: up is -y.
    const cam = lookAtCamera([centre[0] + 0.3 * size, centre[1] - 0.2 * size, centre[2] - 1.2 * size], centre, [0, -1, 0], 64, 48, 50);
    const out = referenceRender(scene, cam, { background: [0.2, 0.2, 0.2] });
    const meanAlpha = out.alpha.reduce((a, v) => a + v, 0) / out.alpha.length;
    expect(meanAlpha).toBeGreaterThan(0.1);
    expect(out.image.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(out.alpha.every((a) => a >= 0 && a <= 1)).toBe(true);

    // Reverse the splats: the depth sort must restore the same per-pixel order, so the image is
    // bit-identical (the playbot has no two splats at exactly the same depth).
    const n = scene.count;
    const K = (scene.shDegree + 1) ** 2;
    const perm = Array.from({ length: n }, (_, i) => n - 1 - i);
    const take = (src: Float32Array, w: number) => {
      const dst = new Float32Array(src.length);
      perm.forEach((from, to) => dst.set(src.subarray(from * w, from * w + w), to * w));
      return dst;
    };
    const reversed: SplatScene = {
      ...scene,
      means: take(scene.means, 3),
      logScales: take(scene.logScales, 3),
      quats: take(scene.quats, 4),
      opacityLogits: take(scene.opacityLogits, 1),
      sh: take(scene.sh, K * 3),
    };
    const again = referenceRender(reversed, cam, { background: [0.2, 0.2, 0.2] });
    expect(Array.from(again.image)).toEqual(Array.from(out.image));

    // The backward on real data: finite everywhere, zero for culled splats.
    const r = rng(1);
    const g = referenceBackward(scene, cam, Float64Array.from({ length: out.image.length }, () => r() - 0.5), { background: [0.2, 0.2, 0.2] });
    expect(g.v_means.every(Number.isFinite) && g.v_quats.every(Number.isFinite) && g.v_sh.every(Number.isFinite)).toBe(true);
    const culled = out.projected.findIndex((p) => !p.visible);
    if (culled >= 0) expect(g.v_means[3 * culled]).toBe(0);
    expect(g.densify.visible.reduce((a, v) => a + v, 0)).toBe(out.projected.filter((p) => p.visible).length);
  });
});
