/**
 * GPU forward pass vs the float64 CPU reference (src/reference), on random scenes and the real
 * scenes of ../shared/data/ply.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { referenceRender } from '../../src/reference';
import { SplatRenderer } from '../../src/render/splat-renderer';
import { readPly } from '../../src/io/ply';
import { lookAtCamera, type Camera } from '../../src/io/camera';
import { type SplatScene, sceneBounds } from '../../src/io/scene';
import { getTestDevice } from '../helpers/gpu';
import { randomScene, testCamera } from '../helpers/scenes';

const DATA = resolve(__dirname, '../../../shared/data');

interface ImageDiff {
  maxAbs: number;
  meanAbs: number;
  /** Fraction of channel values off by more than 1/255. */
  fracOver: number;
  worst: string;
}

function diffImages(gpu: Float32Array, ref: Float64Array, width: number, height: number): ImageDiff {
  let maxAbs = 0;
  let sum = 0;
  let over = 0;
  let worst = '';
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(gpu[p * 4 + c] - ref[p * 3 + c]);
      if (!(d <= maxAbs)) {
        maxAbs = Number.isNaN(d) ? Infinity : d;
        worst = `pixel (${p % width}, ${Math.floor(p / width)}) channel ${c}: gpu ${gpu[p * 4 + c]}, reference ${ref[p * 3 + c]}`;
      }
      sum += d;
      if (d > 1 / 255) over++;
    }
  }
  return { maxAbs, meanAbs: sum / (width * height * 3), fracOver: over / (width * height * 3), worst };
}

async function renderBoth(scene: SplatScene, cam: Camera, shDegree: number, background: [number, number, number]) {
  const device = await getTestDevice();
  const renderer = new SplatRenderer(device);
  try {
    renderer.setScene(scene);
    const gpu = await renderer.renderToImage(cam, { shDegree, splatScale: 1, background });
    const ref = referenceRender(scene, cam, { shDegree, background });
    return { gpu, ref, diff: diffImages(gpu, ref.image, cam.width, cam.height), intersections: renderer.frameStats.intersections };
  } finally {
    renderer.destroy();
  }
}

describe('GPU forward vs float64 reference', () => {
  // Tolerance: f32 arithmetic against float64. Away from the 1/255 alpha and 1e-4 transmittance
  // thresholds a pixel differs by rounding only (measured: max 4e-6, mean 1e-7 after compositing
  // up to a few hundred splats); a pixel whose splat sits exactly on a threshold may flip
  // (blended in one, skipped in the other), a jump of up to ~1/255 * colour for the alpha
  // threshold, rarely more for the T stop. So: mean error below 1e-5, at most 0.1% of values
  // off by more than 1/255, and no value off by more than 0.05.
  const cases: { name: string; w: number; h: number; n: number; deg: number; extra: object; bg: [number, number, number] }[] = [
    { name: 'one splat, one tile', w: 16, h: 16, n: 1, deg: 0, extra: { huge: 1 }, bg: [0, 0, 0] },
    { name: 'WG-1 splats, odd image', w: 37, h: 23, n: 255, deg: 1, extra: {}, bg: [0.2, 0.4, 0.6] },
    { name: 'WG+1 splats with behind/huge/degenerate, clamped colours', w: 70, h: 45, n: 257, deg: 3, extra: { behind: 0.1, huge: 0.05, degenerate: 0.05, shScale: 3 }, bg: [1, 1, 1] },
    { name: 'k*WG+123 splats, SH 2', w: 64, h: 48, n: 3 * 256 + 123, deg: 2, extra: { behind: 0.05, huge: 0.02 }, bg: [0, 0, 0] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const cam = testCamera(c.w, c.h);
      const scene = randomScene(cam, { count: c.n, shDegree: c.deg, seed: c.n * 7 + c.w, ...c.extra });
      const { diff, ref } = await renderBoth(scene, cam, c.deg, c.bg);
      // The scene must actually cover the image, or the comparison proves nothing.
      let covered = 0;
      for (const a of ref.alpha) if (a > 0.1) covered++;
      expect(covered).toBeGreaterThan(ref.alpha.length * (c.n === 1 ? 0.05 : 0.2));
      console.log(`[forward ${c.name}] max ${diff.maxAbs.toExponential(2)} mean ${diff.meanAbs.toExponential(2)} over1/255 ${diff.fracOver}`);
      expect(diff.meanAbs, diff.worst).toBeLessThan(1e-5);
      expect(diff.fracOver, diff.worst).toBeLessThanOrEqual(0.001);
      expect(diff.maxAbs, diff.worst).toBeLessThan(0.05);
    });
  }

  it('empty scene renders the background', async () => {
    const cam = testCamera(20, 20);
    const scene = randomScene(cam, { count: 0, shDegree: 0, seed: 1 });
    const { gpu } = await renderBoth(scene, cam, 0, [0.25, 0.5, 0.75]);
    for (let p = 0; p < 400; p++) expect([gpu[p * 4], gpu[p * 4 + 1], gpu[p * 4 + 2], gpu[p * 4 + 3]]).toEqual([0.25, 0.5, 0.75, 0]);
  });

  for (const file of ['ply/playbot-1873.ply', 'ply/donut-45624-sh0-nonormals.ply']) {
    it(`real scene ${file}`, async () => {
      const loaded = await readPly(new Uint8Array(readFileSync(resolve(DATA, file))), file);
      const scene = loaded.scene;
      const b = sceneBounds(scene);
      const centre = [0, 1, 2].map((a) => (b.min[a] + b.max[a]) / 2);
      const size = Math.max(...[0, 1, 2].map((a) => b.max[a] - b.min[a]));
      const eye = [centre[0] + size * 0.3, centre[1] - size * 0.2, centre[2] - size * 0.9];
      const cam = lookAtCamera(eye, centre, [0, -1, 0], 96, 72, 50);
      const { diff, intersections } = await renderBoth(scene, cam, scene.shDegree, [0, 0, 0]);
      expect(intersections).toBeGreaterThan(100);
      console.log(`[forward ${file}] max ${diff.maxAbs.toExponential(2)} mean ${diff.meanAbs.toExponential(2)} over1/255 ${diff.fracOver}`);
      expect(diff.meanAbs, diff.worst).toBeLessThan(1e-5);
      expect(diff.fracOver, diff.worst).toBeLessThanOrEqual(0.001);
      expect(diff.maxAbs, diff.worst).toBeLessThan(0.05);
    });
  }
});
