import { describe, expect, it } from 'vitest';
import { colourHex, hexColour } from '../../src/app/colour-hex';

describe('background colour as #rrggbb', () => {
  it('writes float channels as rounded, clamped bytes', () => {
    expect(colourHex({ r: 0, g: 0, b: 0 })).toBe('#000000');
    expect(colourHex({ r: 1, g: 0.5, b: 0.2 })).toBe('#ff8033');
    expect(colourHex({ r: 2, g: -1, b: 1 / 255 })).toBe('#ff0001');
  });

  it('reads the text back into float channels, and nothing from text that is no colour', () => {
    expect(hexColour('#ff8033')).toEqual({ r: 1, g: 128 / 255, b: 51 / 255 });
    expect(hexColour(' FFFFFF ')).toEqual({ r: 1, g: 1, b: 1 });
    for (const bad of ['red', '#ff80', '#ff8033zz', '#gg0000', '']) expect(hexColour(bad)).toBeNull();
    for (const hex of ['#000000', '#123456', '#abcdef']) expect(colourHex(hexColour(hex)!)).toBe(hex);
  });
});
