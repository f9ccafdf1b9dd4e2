// The viewer panel's background colour as #rrggbb text (src/app/panel.ts).

/** #rrggbb of a colour with float channels (clamped to [0, 1]). */
export function colourHex(c: { r: number; g: number; b: number }): string {
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');
  return `#${byte(c.r)}${byte(c.g)}${byte(c.b)}`;
}

/** The float channels of #rrggbb (the # optional, spaces around ignored); null for anything else. */
export function hexColour(hex: string): { r: number; g: number; b: number } | null {
  const m = /^\s*#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})\s*$/i.exec(hex);
  if (!m) return null;
  return { r: parseInt(m[1], 16) / 255, g: parseInt(m[2], 16) / 255, b: parseInt(m[3], 16) / 255 };
}
