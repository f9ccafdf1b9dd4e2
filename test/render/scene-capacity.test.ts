/**
 * A scene larger than a device's storage buffers hold at its SH degree is shown at the highest
 * degree that fits (the viewer, `splat render`) instead of being refused: on a device with
 * WebGPU's default 128 MiB bindings, 761,000 SH-3 splats (146 MB of coefficients) are drawn at
 * degree 2, bit for bit the image of the same scene cut to degree 2 on the full-limits device.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScene } from '../../src/io/load';
import { lookAtCamera } from '../../src/io/camera';
import { type SplatScene, withShDegree } from '../../src/io/scene';
import { fittingShDegree, shDegreeNotice } from '../../src/render/splat-capacity';
import { SplatRenderer } from '../../src/render/splat-renderer';
import { paddedScene, smallLimitsDevice, wideSplats } from '../helpers/capacity';
import { getTestDevice } from '../helpers/gpu';

const MIB128 = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 };

describe('SH bands cut to fit the device', () => {
  it('withShDegree keeps each splat first bands; fittingShDegree picks the highest that fits', () => {
    const s: SplatScene = { count: 2, shDegree: 3, means: new Float32Array(6), logScales: new Float32Array(6), quats: new Float32Array(8), opacityLogits: new Float32Array(2), sh: Float32Array.from({ length: 96 }, (_, i) => i) };
    const d1 = withShDegree(s, 1);
    expect(d1.shDegree).toBe(1);
    expect([...d1.sh]).toEqual([...Array.from({ length: 12 }, (_, i) => i), ...Array.from({ length: 12 }, (_, i) => 48 + i)]);
    expect(withShDegree(s, 3)).toBe(s);
    expect(() => withShDegree(s, 4)).toThrow(/degree must be 0\.\.3, got 4/);
    // Rows: SH 3 192 B, SH 2 108 B, SH 1 and 0 the 64 B screen quad.
    expect([699_050, 699_051, 1_242_756, 1_242_757, 2_097_152, 2_097_153].map((n) => fittingShDegree(MIB128, n, 3))).toEqual([3, 2, 2, 1, 1, -1]);
    expect(fittingShDegree(MIB128, 1_000_000, 0)).toBe(0);
    expect(shDegreeNotice(MIB128, 'big.ply', { count: 761_000, shDegree: 3 }, 2)).toBe(
      'big.ply: 761,000 splats at SH degree 3 do not fit: this GPU holds at most 699,050 splats at SH degree 3 (192 bytes a splat in one buffer; its storage buffer limit is 128 MiB); drawn at SH degree 2',
    );
  });

  it('draws 761,000 SH-3 splats at degree 2 on a 128 MiB device, as the degree-2 scene', async () => {
    const full = await getTestDevice();
    const { device, errors } = await smallLimitsDevice();
    const bytes = new Uint8Array(readFileSync(resolve(__dirname, '../../scenes/playbot-31000.ply')));
    const own = (await loadScene({ name: 'playbot-31000.ply', bytes })).scene;
    expect(own.shDegree).toBe(3);
    // The playbot's own splats, then 730,000 far outside the view (culled, but in every buffer).
    const big = paddedScene(own, 761_000);
    const cam = lookAtCamera([0.2, -0.8, -2.6], [0, -0.5, 0], [0, -1, 0], 64, 64, 34);
    const small = new SplatRenderer(device);
    expect(small.setScene(big)).toBe(2);
    const got = await small.renderToImage(cam, { shDegree: 3, splatScale: 1, background: [0, 0, 0] });
    small.destroy();
    await device.queue.onSubmittedWorkDone();
    expect(errors).toEqual([]);
    device.destroy();

    const reference = new SplatRenderer(full);
    expect(reference.setScene(withShDegree(big, 2))).toBe(2);
    const want = await reference.renderToImage(cam, { shDegree: 2, splatScale: 1, background: [0, 0, 0] });
    reference.destroy();
    let covered = 0;
    for (let p = 0; p < 64 * 64; p++) if (want[p * 4 + 3] > 0.5) covered++;
    expect(covered, 'the robot must fill part of the view').toBeGreaterThan(64 * 64 * 0.1);
    expect(got).toEqual(want);
  }, 300_000);

  it('refuses a view with more tile intersections than a 128 MiB binding holds, naming both', async () => {
    const { device, errors } = await smallLimitsDevice();
    // 2,300 splats on 1,296 tiles each of a 1024 x 1024 image: 2,980,800 intersections of 48-byte
    // tile records, over 128 MiB / 48 = 2,796,202 (and far under 128 MiB / 4, the old bound).
    const big = wideSplats(2300);
    const renderer = new SplatRenderer(device);
    expect(renderer.setScene(big)).toBe(0);
    const cam = lookAtCamera([0, 0, -4], [0, 0, 0], [0, -1, 0], 1024, 1024, 512);
    // Twice: the second attempt finds the buffers grown to the limit and must still refuse, not
    // draw with the records past the tile-record buffer dropped.
    for (let i = 0; i < 2; i++) {
      await expect(renderer.renderToImage(cam, { shDegree: 0, splatScale: 1, background: [0, 0, 0] })).rejects.toThrow(
        /this view needs 2980800 tile intersections, more than this adapter's storage binding limit holds \(2796202\)/,
      );
    }
    renderer.destroy();
    await device.queue.onSubmittedWorkDone();
    expect(errors).toEqual([]);
    device.destroy();
  }, 300_000);
});
