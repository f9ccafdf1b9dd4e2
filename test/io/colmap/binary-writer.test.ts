/**
 * COLMAP binary writers: what the readers read back is what was written (buddha13's model:
 * cameras.bin byte for byte; images and points without their 2D observations and tracks), and
 * rotationToQvec inverts qvecToRotation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCamerasBin, readImagesBin, readPoints3DBin } from '../../../src/io/colmap/binary-reader';
import { rotationToQvec, writeCamerasBin, writeImagesBin, writePoints3DBin } from '../../../src/io/colmap/binary-writer';
import { qvecToRotation } from '../../../src/io/colmap/dataset';
import { rng } from '../../helpers/compare';

const SPARSE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/colmap/buddha13/sparse/0');
const bin = (f: string) => new Uint8Array(readFileSync(path.join(SPARSE, f)));

describe('COLMAP binary writers', () => {
  it('round-trip buddha13 through the readers', () => {
    const camBytes = bin('cameras.bin');
    const cameras = readCamerasBin(camBytes);
    expect(writeCamerasBin(cameras)).toEqual(camBytes);
    const images = readImagesBin(bin('images.bin'));
    expect(images.length).toBe(13);
    expect(readImagesBin(writeImagesBin(images))).toEqual(images);
    const points = readPoints3DBin(bin('points3D.bin'));
    const back = readPoints3DBin(writePoints3DBin(points));
    expect(back.xyz).toEqual(points.xyz);
    expect(back.rgb).toEqual(points.rgb);
    expect(() => writeCamerasBin([{ ...cameras[0], params: [1, 2] }])).toThrow(/takes \d+ parameters/);
    expect(() => writeCamerasBin([{ ...cameras[0], model: 'NOPE' }])).toThrow(/unknown camera model/);
  });

  it('rotationToQvec inverts qvecToRotation (random rotations and the four branches)', () => {
    const r = rng(5);
    const qs = Array.from({ length: 200 }, () => [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5]);
    // Near 180-degree turns about each axis take the three non-trace branches.
    qs.push([0.01, 1, 0, 0], [0.01, 0, 1, 0], [0.01, 0, 0, 1], [1, 0, 0, 0]);
    let worst = 0;
    for (const q of qs) {
      const n = Math.hypot(...q) * Math.sign(q[0] || 1);
      const unit = q.map((v) => v / n);
      const got = rotationToQvec(qvecToRotation(q));
      for (let i = 0; i < 4; i++) worst = Math.max(worst, Math.abs(got[i] - unit[i]));
    }
    // Measured 2.2e-16 (float64 rounding through the matrix); 10x.
    expect(worst).toBeLessThan(2.2e-15);
  });
});
