import { describe, expect, it } from 'vitest';
import { composeWgsl, parseWgslConstants, SHADER_SOURCES } from '../../src/gpu/wgsl';
import * as C from '../../src/gpu/constants';
import { grid1d } from '../../src/gpu/dispatch';
import { DEFAULT_FILTER2D } from '../../src/io/scene';
import { getTestDevice } from '../helpers/gpu';

describe('WGSL composition', () => {
  it('inlines includes once, in order, and reports cycles and missing files', () => {
    const src = new Map([
      ['a.wgsl', '#include "b.wgsl"\n#include "c.wgsl"\nfn a() {}'],
      ['b.wgsl', '#include "c.wgsl"\nfn b() {}'],
      ['c.wgsl', 'fn c() {}'],
      ['cyc1.wgsl', '#include "cyc2.wgsl"'],
      ['cyc2.wgsl', '#include "cyc1.wgsl"'],
      ['miss.wgsl', '#include "nope.wgsl"'],
    ]);
    expect(composeWgsl('a.wgsl', src)).toBe('fn c() {}\nfn b() {}\nfn a() {}');
    expect(() => composeWgsl('cyc1.wgsl', src)).toThrow(/cycle: cyc1.wgsl -> cyc2.wgsl -> cyc1.wgsl/);
    expect(() => composeWgsl('miss.wgsl', src)).toThrow(/shaders\/nope.wgsl \(included from miss.wgsl\)/);
  });

  it('reads the shared constants from constants.wgsl', () => {
    const parsed = parseWgslConstants('const A: u32 = 16u;\nconst B: f32 = 0.3;\n  const C_D = -1e-4;');
    expect(parsed).toEqual({ A: 16, B: 0.3, C_D: -1e-4 });
    expect(C.TILE_SIZE).toBe(16);
    expect(C.TILE_PIXELS).toBe(C.TILE_SIZE * C.TILE_SIZE);
    expect(C.ALPHA_MAX).toBe(0.99);
    expect(C.ALPHA_MIN).toBeCloseTo(1 / 255, 12);
    expect(C.COV2D_DILATION).toBe(0.3);
    // What readers assume for an antialiased file that names no filter size is the same 0.3.
    expect(DEFAULT_FILTER2D).toBe(C.COV2D_DILATION);
  });

  it('splits big 1-D dispatches into a 2-D grid that covers every item', () => {
    for (const n of [1, 255, 256, 257, 65535 * 256, 65535 * 256 + 1, 6e6 * 16]) {
      const [x, y] = grid1d(n, 256);
      expect(x).toBeLessThanOrEqual(65535);
      expect(y).toBeLessThanOrEqual(65535);
      expect(x * y * 256).toBeGreaterThanOrEqual(n);
    }
  });

  it('every kernel shader composes and compiles on the device without errors', async () => {
    const device = await getTestDevice();
    const kernels = [...SHADER_SOURCES.keys()].filter((k) => !k.startsWith('common/'));
    for (const name of kernels) {
      const module = device.createShaderModule({ label: name, code: composeWgsl(name) });
      const info = await module.getCompilationInfo();
      const errs = info.messages.filter((m) => m.type === 'error').map((m) => `${name}:${m.lineNum}: ${m.message}`);
      expect(errs).toEqual([]);
    }
  });
});
