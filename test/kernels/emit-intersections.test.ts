/**
 * The intersection emission kernel against the float64 reference projection's tile rectangles:
 * every splat, in depth order, writes its tiles row by row into exactly its own slots
 * [offsets[s], offsets[s + 1]). Two splats claim one tile fewer than their rectangles cover (as a
 * rectangle that disagreed with the scanned count would): they stop at their last slot, so their
 * neighbour's records survive and nothing is written past the last range. Integer outputs: the
 * comparison is exact.
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readU32 } from '../../src/gpu/buffers';
import { EmitIntersectionsKernel } from '../../src/kernels/emit-intersections';
import { referenceProject } from '../../src/reference';
import { getTestDevice } from '../helpers/gpu';
import { cameraUniform, packProjected } from '../helpers/kernel-inputs';
import { randomScene, testCamera } from '../helpers/scenes';
import { PROJECTED_SPLAT } from '../../src/kernels/layouts';

const EMPTY = 0xffffffff;
const TILE = 16;

describe('EmitIntersectionsKernel', () => {
  it('writes each splat, in depth order, only into its own slots', async () => {
    const device = await getTestDevice();
    const cam = testCamera(64, 48); // 4 x 3 tiles
    const tilesX = Math.ceil(cam.width / TILE);
    const scene = randomScene(cam, { count: 24, shDegree: 0, seed: 5, huge: 0.2 });
    const projected = referenceProject(scene, cam, { shDegree: 0 });
    const order = projected.map((_, i) => i).sort((a, b) => {
      const pa = projected[a], pb = projected[b];
      if (pa.visible !== pb.visible) return pa.visible ? -1 : 1;
      return pa.visible ? pa.depth - pb.depth || a - b : a - b;
    });
    const tileIds = (g: number): number[] => {
      const p = projected[g];
      if (!p.visible) return [];
      const r = p.tileRect;
      const ids: number[] = [];
      for (let ty = r.minY; ty < r.maxY; ty++) for (let tx = r.minX; tx < r.maxX; tx++) ids.push(ty * tilesX + tx);
      return ids;
    };
    // The counts the scan saw: the last multi-tile splat and one before it claim a tile fewer.
    const claimed = order.map((g) => tileIds(g).length);
    const multi = order.map((_, s) => s).filter((s) => claimed[s] >= 2);
    expect(multi.length, 'the scene needs two splats of several tiles').toBeGreaterThanOrEqual(2);
    const liars = [multi[0], multi[multi.length - 1]];
    for (const s of liars) claimed[s] -= 1;
    const offsets = [0];
    for (const c of claimed) offsets.push(offsets[offsets.length - 1] + c);
    const total = offsets[offsets.length - 1];
    const capacity = total + 4;

    const packed = packProjected(projected);
    const u = new Uint32Array(packed);
    order.forEach((g, s) => (u[g * PROJECTED_SPLAT.floats + PROJECTED_SPLAT.tiles] = claimed[s]));
    const fresh = (label: string) => createBufferWithData(device, label, new Uint32Array(capacity).fill(EMPTY));
    const b = {
      projected: createBufferWithData(device, 'test.projected', new Uint8Array(packed)),
      sortedValues: createBufferWithData(device, 'test.sorted', new Uint32Array(order)),
      offsets: createBufferWithData(device, 'test.offsets', new Uint32Array(offsets)),
      isectTiles: fresh('test.tiles'),
      isectSlots: fresh('test.slots'),
      isectSplats: fresh('test.splats'),
      isectCount: createBufferWithData(device, 'test.count', new Uint32Array(8)),
    };
    const uniform = cameraUniform(device, cam, { count: scene.count, shDegree: 0, shCoeffs: 1 });
    const kernel = new EmitIntersectionsKernel(device);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    kernel.dispatchItems(pass, kernel.bindCamera(uniform.buffer), kernel.bindAll(b), scene.count);
    pass.end();
    device.queue.submit([enc.finish()]);

    const want = { tiles: new Array<number>(capacity).fill(EMPTY), splats: new Array<number>(capacity).fill(EMPTY), slots: new Array<number>(capacity).fill(EMPTY) };
    order.forEach((g, s) => {
      tileIds(g).slice(0, claimed[s]).forEach((t, k) => {
        const slot = offsets[s] + k;
        want.tiles[slot] = t;
        want.splats[slot] = g;
        want.slots[slot] = slot;
      });
    });
    expect(Array.from(await readU32(device, b.isectSplats, capacity))).toEqual(want.splats);
    expect(Array.from(await readU32(device, b.isectTiles, capacity))).toEqual(want.tiles);
    expect(Array.from(await readU32(device, b.isectSlots, capacity))).toEqual(want.slots);
    expect(Array.from(await readU32(device, b.isectCount, 2))).toEqual([total, total]);
  });
});
