/**
 * The unrolled window of the CPU-class loss kernels (shaders/common/ssim_strip.wgsl) is the
 * output of scripts/gen-ssim-strip.mjs, and its literal weights are the window's taps. Results of
 * the strip kernels are checked in image-loss.test.ts (reference, and bit-identity with the
 * per-pixel kernels).
 */
import { describe, expect, it } from 'vitest';
import { SHADER_SOURCES, parseWgslConstants } from '../../src/gpu/wgsl';
import { gaussianWindow } from '../../src/reference/loss';
// @ts-expect-error: a plain .mjs script without type declarations
import { STRIP, ssimStripSource } from '../../scripts/gen-ssim-strip.mjs';

describe('common/ssim_strip.wgsl', () => {
  it('is what scripts/gen-ssim-strip.mjs writes (rerun it after editing the generator)', () => {
    expect(SHADER_SOURCES.get('common/ssim_strip.wgsl')).toBe((ssimStripSource as (n?: number) => string)());
    expect(parseWgslConstants(SHADER_SOURCES.get('common/ssim_strip.wgsl') ?? '').LOSS_STRIP).toBe(STRIP);
  });

  it('sums every tap of every output once, with the weight of its distance', () => {
    // Parse the unrolled body back into (output, tap offset, weight name) triples.
    const text = SHADER_SOURCES.get('common/ssim_strip.wgsl') ?? '';
    let tap = NaN;
    const seen = new Map<string, string>();
    for (const line of text.split('\n')) {
      const load = /^\s*t = strip_load\(b, (-?\d+)\);$/.exec(line);
      if (load) tap = Number(load[1]);
      const add = /^\s*s(\d+) = strip_add\(s\1, t, SSIM_G(\d)\);$/.exec(line);
      if (add) {
        const key = `${add[1]}:${tap}`;
        expect(seen.has(key), `tap ${tap} added twice to output ${add[1]}`).toBe(false);
        seen.set(key, add[2]);
      }
    }
    for (let j = 0; j < STRIP; j++) {
      for (let d = -5; d <= 5; d++) expect(seen.get(`${j}:${j + d}`), `output ${j}, tap ${j + d}`).toBe(String(Math.abs(d)));
    }
    expect(seen.size).toBe(STRIP * 11);
  });

  it('has literal weights SSIM_G0..5 equal to ssim_window, tap for tap (the weights of the per-pixel kernels)', () => {
    const text = SHADER_SOURCES.get('common/ssim.wgsl') ?? '';
    const m = /ssim_window\s*:\s*array<f32,\s*SSIM_TAPS>\s*=\s*array<f32,\s*SSIM_TAPS>\(([^)]*)\)/.exec(text);
    const taps = m![1].split(',').map((t) => Number(t.trim()));
    const c = parseWgslConstants(text);
    const window = gaussianWindow();
    for (let k = 0; k <= 5; k++) {
      // Same decimal literals, so the same f32 weights in both kernel classes.
      expect([taps[5 - k], taps[5 + k]], `SSIM_G${k}`).toEqual([c[`SSIM_G${k}`], c[`SSIM_G${k}`]]);
      // And the float64 window to the 9 digits written (rel 1e-7).
      expect(Math.abs(c[`SSIM_G${k}`] - window[5 + k]) / window[5 + k], `SSIM_G${k}`).toBeLessThan(1e-7);
    }
  });
});
