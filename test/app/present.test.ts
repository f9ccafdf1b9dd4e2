/**
 * Which way frames reach the page (src/app/present.ts): the readback on adapters that run on
 * the CPU, the WebGPU canvas on GPUs, and the address's `present=` over both. The two ways'
 * pixels are compared in Chromium (test/e2e/viewer.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { choosePresentMode } from '../../src/app/present';

const info = (vendor: string, architecture: string, description = '', isFallbackAdapter = false) =>
  ({ vendor, architecture, device: '', description, isFallbackAdapter }) as unknown as GPUAdapterInfo;

describe('choosePresentMode', () => {
  it('reads back on CPU adapters and draws into the WebGPU canvas on GPUs', () => {
    expect(choosePresentMode(info('google', 'swiftshader'), null)).toBe('readback');
    expect(choosePresentMode(info('mesa', '', 'llvmpipe (LLVM 17.0.6, 256 bits)'), null)).toBe('readback');
    expect(choosePresentMode(info('microsoft', '', '', true), null)).toBe('readback');
    expect(choosePresentMode(info('nvidia', 'hopper'), null)).toBe('canvas');
    expect(choosePresentMode(info('apple', 'metal-3'), null)).toBe('canvas');
    // A browser that hides the adapter: assume a GPU (the readback only pays off on a CPU).
    expect(choosePresentMode(undefined, null)).toBe('canvas');
  });

  it('follows ?present= whatever the adapter, and ignores values it does not know', () => {
    expect(choosePresentMode(info('nvidia', 'hopper'), 'readback')).toBe('readback');
    expect(choosePresentMode(info('google', 'swiftshader'), 'canvas')).toBe('canvas');
    expect(choosePresentMode(info('google', 'swiftshader'), 'fast')).toBe('readback');
  });
});
