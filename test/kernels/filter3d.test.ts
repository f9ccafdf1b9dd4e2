/**
 * Mip-Splatting's 3D filter kernels against the float64 reference (src/reference/filter3d.ts),
 * and the reference's chain rule against central finite differences of its forward.
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { Filter3dKernels, packFilterCameras } from '../../src/kernels/filter3d';
import { FILTER3D_PARAMS } from '../../src/kernels/layouts';
import { UniformStruct } from '../../src/gpu/struct-layout';
import { applyFilter, filterBackward, filterStd } from '../../src/reference/filter3d';
import { lookAtCamera, type Camera } from '../../src/io/camera';
import { getTestDevice } from '../helpers/gpu';
import { nanBuffer } from '../helpers/kernel-inputs';
import { rng } from '../helpers/compare';

function cameras(): Camera[] {
  // A ring of cameras at distance 4 looking at the origin, one far behind, one tiny-image.
  const out: Camera[] = [];
  for (let k = 0; k < 6; k++) {
    const a = (k / 6) * 2 * Math.PI;
    out.push(lookAtCamera([4 * Math.cos(a), -0.5, 4 * Math.sin(a)], [0, 0, 0], [0, -1, 0], 64 + 8 * k, 48, 50));
  }
  return out;
}

function scene(n: number, seed: number) {
  const r = rng(seed);
  const means = new Float32Array(n * 3);
  const logScales = new Float32Array(n * 3);
  const logits = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Most near the origin (seen); every 17th far above the ring, out of every camera's view
    // (unseen: it takes the largest filter).
    for (let a = 0; a < 3; a++) means[3 * i + a] = r() * 2 - 1;
    if (i % 17 === 0) means[3 * i + 1] = -40;
    for (let a = 0; a < 3; a++) logScales[3 * i + a] = Math.log(0.002 + 0.05 * r());
    logits[i] = r() * 6 - 3;
  }
  return { means, logScales, logits };
}

describe('3D filter kernels vs the float64 reference', () => {
  it('filter sizes, filtered parameters and the chain rule match', async () => {
    const device = await getTestDevice();
    const n = 300;
    const cams = cameras();
    const s = scene(n, 4);
    const params = new UniformStruct(device, 'test.params', FILTER3D_PARAMS);
    params.write({ count: n, cameras: cams.length });
    const b = {
      params: params.buffer,
      cameras: createBufferWithData(device, 'test.cameras', packFilterCameras(cams)),
      filterStd: nanBuffer(device, 'test.filter', n),
      maxFilter: createBufferWithData(device, 'test.max', new Uint32Array([0])),
    };
    const means = createBufferWithData(device, 'test.means', s.means);
    const raw = { logScales: createBufferWithData(device, 'test.ls', s.logScales), opacityLogits: createBufferWithData(device, 'test.logits', s.logits) };
    const eff = { logScales: nanBuffer(device, 'test.lsEff', n * 3), opacityLogits: nanBuffer(device, 'test.logitsEff', n) };
    const r = rng(9);
    const vLs = Float32Array.from({ length: n * 3 }, () => r() * 2 - 1);
    const vLogit = Float32Array.from({ length: n }, () => r() * 2 - 1);
    const grads = { vLogScales: createBufferWithData(device, 'test.vls', vLs), vOpacityLogits: createBufferWithData(device, 'test.vlogit', vLogit) };
    const k = new Filter3dKernels(device);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    k.encodeRates(pass, b, means, n);
    k.encodeApply(pass, b, raw, eff, n);
    k.encodeBackward(pass, b, raw, grads, n);
    pass.end();
    device.queue.submit([enc.finish()]);
    const [f, le, lx, vl, vx] = await Promise.all([
      readF32(device, b.filterStd, n),
      readF32(device, eff.logScales, n * 3),
      readF32(device, eff.opacityLogits, n),
      readF32(device, grads.vLogScales, n * 3),
      readF32(device, grads.vOpacityLogits, n),
    ]);
    const want = filterStd(s.means, n, cams);
    // Both unseen and seen splats occur.
    expect(want.filter((_, i) => i % 17 === 0).every((v) => v === Math.max(...want))).toBe(true);
    let errF = 0;
    let errFwd = 0;
    let errBwd = 0;
    for (let i = 0; i < n; i++) {
      errF = Math.max(errF, Math.abs(f[i] - want[i]) / want[i]);
      const fr = applyFilter(s.logScales.subarray(3 * i, 3 * i + 3), s.logits[i], f[i]);
      for (let a = 0; a < 3; a++) errFwd = Math.max(errFwd, Math.abs(le[3 * i + a] - fr.logScales[a]));
      errFwd = Math.max(errFwd, Math.abs(lx[i] - fr.logit) / Math.max(1, Math.abs(fr.logit)));
      const br = filterBackward(s.logScales.subarray(3 * i, 3 * i + 3), s.logits[i], f[i], vLs.subarray(3 * i, 3 * i + 3), vLogit[i]);
      for (let a = 0; a < 3; a++) errBwd = Math.max(errBwd, Math.abs(vl[3 * i + a] - br.vLogScales[a]) / Math.max(1, Math.abs(br.vLogScales[a])));
      errBwd = Math.max(errBwd, Math.abs(vx[i] - br.vLogit) / Math.max(1, Math.abs(br.vLogit)));
    }
    console.log(`[filter3d] filter ${errF.toExponential(2)}, forward ${errFwd.toExponential(2)}, backward ${errBwd.toExponential(2)}`);
    // measured: filter 1.4e-7 relative, forward 4.6e-7, backward 2.8e-7 (f32 exp/log); 10x.
    expect(errF).toBeLessThan(1.4e-6);
    expect(errFwd).toBeLessThan(4.6e-6);
    expect(errBwd).toBeLessThan(2.8e-6);
    for (const x of [params, b.cameras, b.filterStd, b.maxFilter, means, raw.logScales, raw.opacityLogits, eff.logScales, eff.opacityLogits, grads.vLogScales, grads.vOpacityLogits]) x.destroy();
  });

  it('the reference chain rule matches central finite differences of the filtered parameters', () => {
    const r = rng(12);
    const h = 1e-6;
    let worst = 0;
    for (let trial = 0; trial < 50; trial++) {
      const ls = [0, 1, 2].map(() => Math.log(0.002 + 0.05 * r()));
      const x = r() * 6 - 3;
      const f = 0.001 + 0.03 * r();
      const v = { ls: [r(), r(), r()].map((u) => u * 2 - 1), x: r() * 2 - 1 };
      const L = (l: number[], xx: number) => {
        const e = applyFilter(l, xx, f);
        return e.logScales.reduce((s, w, a) => s + w * v.ls[a], 0) + e.logit * v.x;
      };
      const g = filterBackward(ls, x, f, v.ls, v.x);
      for (let a = 0; a < 4; a++) {
        const plus = [...ls];
        const minus = [...ls];
        let fd: number;
        if (a < 3) {
          plus[a] += h;
          minus[a] -= h;
          fd = (L(plus, x) - L(minus, x)) / (2 * h);
        } else {
          fd = (L(ls, x + h) - L(ls, x - h)) / (2 * h);
        }
        const an = a < 3 ? g.vLogScales[a] : g.vLogit;
        worst = Math.max(worst, Math.abs(an - fd) / Math.max(1e-3, Math.abs(fd)));
      }
    }
    // measured 6.1e-8 (central differences of float64); 10x.
    console.log(`[filter3d] reference chain rule vs finite differences ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(6.1e-7);
  });
});
