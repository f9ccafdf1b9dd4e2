import { describe, expect, it } from 'vitest';
import { f32, packStruct, structLayout, u32, wordOffsets } from '../../src/gpu/struct-layout';

const L = structLayout('x.wgsl', 'X', 'uniform', 32, { count: u32(0), scale: f32(2), rgb: f32(4, 3) });

describe('struct layouts on the host', () => {
  it('packs each field at its word, zeros the padding and the unset vector words', () => {
    const out = new ArrayBuffer(64);
    new Uint32Array(out).fill(0xdeadbeef);
    packStruct(L, { count: 7, scale: 0.5, rgb: [1, 2] }, out, 32);
    const u = new Uint32Array(out, 32);
    const f = new Float32Array(out, 32);
    expect([u[0], u[1], f[2], u[3], f[4], f[5], u[6], u[7]]).toEqual([7, 0, 0.5, 0, 1, 2, 0, 0]);
    expect(new Uint32Array(out, 0, 8).every((w) => w === 0xdeadbeef)).toBe(true);
    expect(wordOffsets(L)).toEqual({ count: 0, scale: 2, rgb: 4 });
  });

  it('refuses values that would reach the GPU wrapped, truncated or misplaced', () => {
    const out = new ArrayBuffer(32);
    for (const count of [-1, 1.5, 2 ** 32, NaN]) expect(() => packStruct(L, { count, scale: 0, rgb: [0] }, out)).toThrow(/X.count: .* is not a u32/);
    expect(() => packStruct(L, { count: 0, scale: [1], rgb: [0] }, out)).toThrow(/X.scale: expected a number/);
    expect(() => packStruct(L, { count: 0, scale: 0, rgb: [0, 0, 0, 0] }, out)).toThrow(/X.rgb: expected up to 3 numbers/);
  });

  it('refuses overlapping fields, fields past the end and unaligned uniform sizes at declaration', () => {
    expect(() => structLayout('x.wgsl', 'Y', 'uniform', 16, { a: f32(0, 2), b: u32(1) })).toThrow(/Y.b overlaps Y.a at word 1/);
    expect(() => structLayout('x.wgsl', 'Y', 'uniform', 16, { a: f32(2, 4) })).toThrow(/Y.a: words \[2, 6\) leave/);
    expect(() => structLayout('x.wgsl', 'Y', 'uniform', 20, { a: f32(0) })).toThrow(/not a positive multiple of 16/);
    expect(structLayout('x.wgsl', 'Y', 'storage', 20, { a: f32(4) }).words).toBe(5);
  });
});
