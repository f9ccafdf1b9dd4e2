import { describe, expect, it } from 'vitest';
import { cameraCentre, lookAtCamera, parseCameraJson } from '../../src/io/camera';

describe('camera JSON and look-at', () => {
  it('parses the CLI camera JSON (rows or flat R) and names bad fields', () => {
    const cam = parseCameraJson('{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"R":[[1,0,0],[0,1,0],[0,0,1]],"t":[0,0.5,3]}');
    expect(cam.R).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(cameraCentre(cam)).toEqual([-0, -0.5, -3]);
    expect(() => parseCameraJson('{"width":4}', 'cam.json')).toThrow(/cam.json: "height"/);
    expect(() => parseCameraJson('{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"R":[1,0,0],"t":[0,0,0]}', 'c.json')).toThrow(/"R" must hold 9/);
    expect(() => parseCameraJson('not json', 'c.json')).toThrow(/c.json: not valid JSON/);
  });

  it('looks along +z with up = -y as the identity rotation (COLMAP axes: x right, y down)', () => {
    const cam = lookAtCamera([0, 0, -5], [0, 0, 0], [0, -1, 0], 64, 48, 60);
    expect(cam.R.map((v) => v + 0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(cam.t.map((v) => v + 0)).toEqual([0, 0, 5]);
    // A point above the target (world -y) lands in the upper half of the image (v < cy).
    const p = [0, -1, 0];
    const y = cam.R[3] * p[0] + cam.R[4] * p[1] + cam.R[5] * p[2] + cam.t[1];
    const z = cam.R[6] * p[0] + cam.R[7] * p[1] + cam.R[8] * p[2] + cam.t[2];
    expect((cam.fy * y) / z + cam.cy).toBeLessThan(cam.cy);
    // A point to the right of the view direction lands right of centre.
    const up = lookAtCamera([0, 5, 0], [0, 0, 0], [0, 0, 1], 64, 48, 60); // looking down -y, up = +z
    const q = [1, 0, 0];
    const x = up.R[0] * q[0] + up.R[1] * q[1] + up.R[2] * q[2] + up.t[0];
    expect(Math.abs(x)).toBeCloseTo(1, 12);
    const det =
      up.R[0] * (up.R[4] * up.R[8] - up.R[5] * up.R[7]) - up.R[1] * (up.R[3] * up.R[8] - up.R[5] * up.R[6]) + up.R[2] * (up.R[3] * up.R[7] - up.R[4] * up.R[6]);
    expect(det).toBeCloseTo(1, 12);
  });
});
