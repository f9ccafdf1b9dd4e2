/**
 * Byte layouts of structs shared with WGSL (shaders/common/projected.wgsl, gradient.wgsl,
 * tile_record.wgsl, camera.wgsl).
 * test/kernels/layouts.test.ts checks them against the GPU.
 */
export const PROJECTED_SPLAT = {
  bytes: 48,
  floats: 12,
  // Offsets in f32 words.
  xy: 0,
  comp: 2,
  opacity: 3,
  conic: 4,
  radius: 7,
  rgb: 8,
  tiles: 11,
} as const;

/**
 * The 12-float screen-space record of one splat in tile order and its gradient share one field
 * order (3 vec4: x, y, conic A, B | conic C, opacity, r, g | b, ...), so sums stay vector-wide.
 * Offsets in f32 words.
 */
const SPLAT_2D = { bytes: 48, floats: 12, xy: 0, conic: 2, opacity: 5, rgb: 6 } as const;

/** ProjectedGrad (shaders/common/gradient.wgsl): dL/d one splat's screen-space quantities. */
export const PROJECTED_GRAD = SPLAT_2D;

/** TileRecord (shaders/common/tile_record.wgsl): one entry of a tile's list. */
export const TILE_RECORD = {
  ...SPLAT_2D,
  /** u32 word: the entry's emission slot. */
  slot: 9,
  /** The alpha box's half-widths in x and y (pixels). */
  extent: 10,
} as const;

export const CAMERA_UNIFORM_BYTES = 192;
