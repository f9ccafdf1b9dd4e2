/**
 * Byte layouts of structs shared with WGSL (shaders/common/projected.wgsl, camera.wgsl).
 * test/kernels/layouts.test.ts checks them against the GPU.
 */
export const PROJECTED_SPLAT = {
  bytes: 48,
  floats: 12,
  // Offsets in f32 words.
  xy: 0,
  depth: 2,
  opacity: 3,
  conic: 4,
  radius: 7,
  rgb: 8,
  tiles: 11,
} as const;

export const CAMERA_UNIFORM_BYTES = 176;
