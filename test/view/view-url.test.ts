import { describe, expect, it } from 'vitest';
import { formatViewSearch, parseViewParams, poseFromParams } from '../../src/view/view-url';
import type { ViewPose } from '../../src/view/view-camera';

describe('view links', () => {
  it('parses a full link', () => {
    const p = parseViewParams('?url=scenes%2Fa.ply&eye=1,2,3&target=0,-0.5,1e-3&up=0,-1,0&fov=45');
    expect(p).toEqual({ url: 'scenes/a.ply', eye: [1, 2, 3], target: [0, -0.5, 0.001], up: [0, -1, 0], fovY: 45, errors: [] });
    expect(poseFromParams(p, { up: [0, 1, 0], fovY: 60 })).toEqual({ eye: [1, 2, 3], target: [0, -0.5, 0.001], up: [0, -1, 0], fovY: 45 });
  });

  it('fills up and fov from the defaults and gives no pose without eye and target', () => {
    const p = parseViewParams('?eye=1,2,3&target=0,0,0');
    expect(poseFromParams(p, { up: [0, 1, 0], fovY: 60 })).toEqual({ eye: [1, 2, 3], target: [0, 0, 0], up: [0, 1, 0], fovY: 60 });
    expect(poseFromParams(parseViewParams('?fov=30'), { up: [0, 1, 0], fovY: 60 })).toBeNull();
    expect(parseViewParams('').url).toBeNull();
  });

  it('reads an auto-rotate speed and names a bad one', () => {
    expect(parseViewParams('?spin=-30').spin).toBe(-30);
    expect(parseViewParams('?spin=').errors).toEqual(['link parameter spin=: expected degrees per second in [-3600, 3600]']);
    expect(parseViewParams('?spin=fast').spin).toBeUndefined();
    expect(parseViewParams('?spin=1e9').errors.length).toBe(1);
  });

  it('names each malformed parameter', () => {
    const p = parseViewParams('?eye=1,2&target=a,b,c&up=0,0,0&fov=180');
    expect(p.eye).toBeUndefined();
    expect(p.target).toBeUndefined();
    expect(p.up).toBeUndefined();
    expect(p.fovY).toBeUndefined();
    expect(p.errors).toHaveLength(4);
    expect(p.errors[0]).toMatch(/eye=1,2/);
    expect(p.errors[1]).toMatch(/target=a,b,c/);
    expect(p.errors[2]).toMatch(/up=0,0,0.*zero/);
    expect(p.errors[3]).toMatch(/fov=180/);
    expect(parseViewParams('?eye=1,2,3').errors[0]).toMatch(/together/);
    expect(parseViewParams('?eye=1,2,3&target=1,2,3').errors[0]).toMatch(/differ/);
    expect(parseViewParams('?eye=1,,3&target=0,0,0').errors[0]).toMatch(/eye/);
  });

  it('round-trips a pose through the address bar to six significant digits, keeping other parameters', () => {
    const pose: ViewPose = { eye: [0.123456789, -2.5, -1e-7], target: [-0, 3, 1234567], up: [0, -1, 0], fovY: 50 };
    const s = formatViewSearch('?url=http%3A%2F%2Fx%2Fa.ply&foo=1', pose, { kind: 'url', url: 'http://x/a.ply' })!;
    expect(s).toContain('eye=0.123457,-2.5,-1e-7');
    expect(s).toContain('target=0,3,1234570');
    const p = parseViewParams(s);
    expect(p.url).toBe('http://x/a.ply');
    expect(new URLSearchParams(s).get('foo')).toBe('1');
    const back = poseFromParams(p, { up: [0, 1, 0], fovY: 1 })!;
    for (const k of ['eye', 'target', 'up'] as const) {
      back[k].forEach((v, i) => expect(Math.abs(v - pose[k][i])).toBeLessThanOrEqual(5e-6 * Math.abs(pose[k][i]) + 1e-300));
    }
    expect(back.fovY).toBe(50);
  });

  it('writes a camera only beside the scene it belongs to', () => {
    const pose: ViewPose = { eye: [1, 0, 0], target: [0, 0, 0], up: [0, -1, 0], fovY: 50 };
    const stale = '?url=a.ply&eye=9,9,9&target=0,0,0&up=0,1,0&fov=30&foo=1';
    const url = new URLSearchParams(formatViewSearch(stale, pose, { kind: 'url', url: 'b.ply' })!);
    expect(url.get('url')).toBe('b.ply');
    expect(url.get('eye')).toBe('1,0,0');
    // The embedded default scene: a camera and no address.
    const def = new URLSearchParams(formatViewSearch(stale, pose, { kind: 'default' })!);
    expect(def.get('url')).toBeNull();
    expect(def.get('eye')).toBe('1,0,0');
    // A local file or a training run: no address, so no camera either; other parameters stay.
    const none = formatViewSearch(stale, pose, { kind: 'none' })!;
    expect(none).toBe('?foo=1');
    expect(formatViewSearch('?eye=1,2,3&target=0,0,0', pose, { kind: 'none' })).toBe('');
    // A failed link is left in place so that reloading retries it.
    expect(formatViewSearch(stale, pose, { kind: 'keep' })).toBeNull();
  });
});
