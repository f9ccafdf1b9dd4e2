// Tests src/io/image-decode-node.ts (the Node decoder the COLMAP directory source uses).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImageNode } from '../../../src/io/image-decode-node';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const W = 5;
const H = 3;
/** Expected RGBA8 of pixel i for a test pattern. */
const rgbaAt = (i: number) => [(i * 37) % 256, (i * 91 + 7) % 256, (i * 13 + 200) % 256, (i * 53 + 11) % 256];

describe('decodeImageNode', () => {
  it('decodes a real JPEG to RGBA8 of the right size', () => {
    const img = decodeImageNode(new Uint8Array(readFileSync(path.join(DATA, 'colmap/buddha13/images/00006.jpg'))), '00006.jpg');
    expect([img.width, img.height, img.data.length]).toEqual([684, 385, 684 * 385 * 4]);
    expect(img.data[3]).toBe(255);
  });

  it('round-trips a synthetic JPEG within compression error', () => {
    const data = new Uint8Array(16 * 16 * 4).fill(255);
    for (let i = 0; i < 256; i++) data.set([120, 60, 200], i * 4);
    const jpg = new Uint8Array(encodeJpeg({ width: 16, height: 16, data }, 95).data);
    const img = decodeImageNode(jpg, 'x.jpg');
    // A flat colour survives q95 JPEG within a few levels (chroma rounding).
    for (let i = 0; i < 256; i++) {
      expect(Math.abs(img.data[i * 4] - 120)).toBeLessThanOrEqual(3);
      expect(Math.abs(img.data[i * 4 + 2] - 200)).toBeLessThanOrEqual(3);
    }
  });

  it('decodes PNG RGBA, RGB, grey, grey+alpha, 16-bit, palette and 1-bit layouts to RGBA8', () => {
    const n = W * H;
    const want = Array.from({ length: n }, (_, i) => rgbaAt(i));
    const cases: { name: string; png: Uint8Array; expect: (i: number) => number[] }[] = [
      { name: 'rgba8', png: encodePng({ width: W, height: H, channels: 4, depth: 8, data: Uint8Array.from(want.flat()) }), expect: (i) => want[i] },
      { name: 'rgb8', png: encodePng({ width: W, height: H, channels: 3, depth: 8, data: Uint8Array.from(want.flatMap((p) => p.slice(0, 3))) }), expect: (i) => [...want[i].slice(0, 3), 255] },
      { name: 'grey8', png: encodePng({ width: W, height: H, channels: 1, depth: 8, data: Uint8Array.from(want.map((p) => p[0])) }), expect: (i) => [want[i][0], want[i][0], want[i][0], 255] },
      { name: 'greyA8', png: encodePng({ width: W, height: H, channels: 2, depth: 8, data: Uint8Array.from(want.flatMap((p) => [p[0], p[3]])) }), expect: (i) => [want[i][0], want[i][0], want[i][0], want[i][3]] },
      {
        name: 'rgba16',
        png: encodePng({ width: W, height: H, channels: 4, depth: 16, data: Uint16Array.from(want.flat().map((v) => v * 257 + 100)) }),
        expect: (i) => want[i].map((v) => (v * 257 + 100) >> 8),
      },
      {
        name: 'palette',
        png: encodePng({ width: W, height: H, channels: 1, depth: 8, data: Uint8Array.from({ length: n }, (_, i) => i % 3), palette: [[255, 0, 0], [0, 255, 0], [10, 20, 30]] }),
        expect: (i) => [[255, 0, 0, 255], [0, 255, 0, 255], [10, 20, 30, 255]][i % 3],
      },
      {
        // 1-bit rows pack 5 pixels MSB-first into one byte each: 0b10110000, 0b01001000, 0b11111000.
        name: 'grey1',
        png: encodePng({ width: W, height: H, channels: 1, depth: 1, data: Uint8Array.of(0b10110000, 0b01001000, 0b11111000) }),
        expect: (i) => {
          const bits = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1][i] * 255;
          return [bits, bits, bits, 255];
        },
      },
    ];
    for (const c of cases) {
      const img = decodeImageNode(c.png, `${c.name}.png`);
      expect([img.width, img.height]).toEqual([W, H]);
      const got = Array.from({ length: n }, (_, i) => Array.from(img.data.subarray(i * 4, i * 4 + 4)));
      expect(got, c.name).toEqual(Array.from({ length: n }, (_, i) => c.expect(i)));
    }
  });

  it('names the file for unknown or corrupt data', () => {
    expect(() => decodeImageNode(new TextEncoder().encode('hello'), 'a/b.jpg')).toThrow(/^a\/b\.jpg: cannot decode image: not a JPEG or PNG/);
    const png = encodePng({ width: W, height: H, channels: 3, depth: 8, data: new Uint8Array(W * H * 3) });
    expect(() => decodeImageNode(png.slice(0, 40), 'c.png')).toThrow(/^c\.png: cannot decode image/);
    const jpg = readFileSync(path.join(DATA, 'colmap/buddha13/images/00006.jpg'));
    expect(() => decodeImageNode(new Uint8Array(jpg.subarray(0, 600)), 'd.jpg')).toThrow(/^d\.jpg: cannot decode image/);
  });
});
