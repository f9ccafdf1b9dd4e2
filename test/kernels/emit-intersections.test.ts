/**
 * The intersection emission kernel keeps every splat inside its own slots, [offsets[s],
 * offsets[s + 1]), even if a splat's rectangle covered more tiles than the count the scan used:
 * its neighbour's records survive, and nothing is written past the last splat's range.
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readU32 } from '../../src/gpu/buffers';
import { EmitIntersectionsKernel } from '../../src/kernels/emit-intersections';
import { PROJECTED_SPLAT } from '../../src/kernels/layouts';
import { getTestDevice } from '../helpers/gpu';
import { cameraUniform } from '../helpers/kernel-inputs';
import { testCamera } from '../helpers/scenes';

const EMPTY = 0xffffffff;

describe('EmitIntersectionsKernel', () => {
  it('writes each splat only into its own slots', async () => {
    const device = await getTestDevice();
    const cam = testCamera(64, 32); // 4 x 2 tiles of 16 px
    // Splat 0: centre (24, 16), radius 12 -> tiles x 0..2, y 0..1 (6), but its count says 1.
    // Splat 1: centre (48, 8), radius 2 -> tiles 2 and 3 of row 0, count 2.
    const splats = [
      { xy: [24, 16], radius: 12, tiles: 1 },
      { xy: [48, 8], radius: 2, tiles: 2 },
    ];
    const data = new ArrayBuffer(splats.length * PROJECTED_SPLAT.bytes);
    const f = new Float32Array(data);
    const u = new Uint32Array(data);
    splats.forEach((s, i) => {
      const o = i * PROJECTED_SPLAT.floats;
      f.set(s.xy, o + PROJECTED_SPLAT.xy);
      f[o + PROJECTED_SPLAT.comp] = 1;
      f[o + PROJECTED_SPLAT.opacity] = 0.5;
      f[o + PROJECTED_SPLAT.radius] = s.radius;
      u[o + PROJECTED_SPLAT.tiles] = s.tiles;
    });
    const capacity = 8;
    const fresh = (label: string) => createBufferWithData(device, label, new Uint32Array(capacity).fill(EMPTY));
    const b = {
      projected: createBufferWithData(device, 'test.projected', new Uint8Array(data)),
      sortedValues: createBufferWithData(device, 'test.sorted', new Uint32Array([0, 1])),
      offsets: createBufferWithData(device, 'test.offsets', new Uint32Array([0, 1, 3])),
      isectTiles: fresh('test.tiles'),
      isectSlots: fresh('test.slots'),
      isectSplats: fresh('test.splats'),
      isectCount: createBufferWithData(device, 'test.count', new Uint32Array(8)),
    };
    const uniform = cameraUniform(device, cam, { count: 2, shDegree: 0, shCoeffs: 1 });
    const kernel = new EmitIntersectionsKernel(device);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    kernel.dispatchItems(pass, kernel.bindCamera(uniform.buffer), kernel.bindAll(b), 2);
    pass.end();
    device.queue.submit([enc.finish()]);
    const rest = new Array(capacity - 3).fill(EMPTY);
    expect(Array.from(await readU32(device, b.isectSplats, capacity))).toEqual([0, 1, 1, ...rest]);
    expect(Array.from(await readU32(device, b.isectTiles, capacity))).toEqual([0, 2, 3, ...rest]);
    expect(Array.from(await readU32(device, b.isectSlots, capacity))).toEqual([0, 1, 2, ...rest]);
    expect(Array.from(await readU32(device, b.isectCount, 2))).toEqual([3, 3]);
  });
});
