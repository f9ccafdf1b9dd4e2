/**
 * Byte layouts of every struct the host and WGSL both know: one definition per struct, which the
 * kernel wrappers pack and read through (src/gpu/struct-layout.ts). Test: every StructLayout here
 * is checked field by field against its WGSL declaration on the GPU
 * (test/kernels/struct-layouts.test.ts); the screen-space records below, read by component, by the
 * layout probe (test/kernels/layouts.test.ts).
 */
import { f32, structLayout, u32 } from '../gpu/struct-layout';

/** ProjectedSplat (shaders/common/projected.wgsl). Offsets in f32 words. */
export const PROJECTED_SPLAT = {
  bytes: 48,
  floats: 12,
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

/** The intersection counts of a frame (shaders/common/isect_count.wgsl); `grid_x` starts an indirect dispatch grid. */
export const ISECT_COUNT = structLayout('common/isect_count.wgsl', 'IsectCount', 'storage', 20, {
  total: u32(0),
  kept: u32(1),
  grid_x: u32(2),
  grid_y: u32(3),
  grid_z: u32(4),
});

/** The per-frame camera uniform, bind group 0 (src/kernels/camera-uniform.ts packs it). */
export const CAMERA_UNIFORM = structLayout('common/camera.wgsl', 'CameraUniform', 'uniform', 208, {
  rot0: f32(0, 4),
  rot1: f32(4, 4),
  rot2: f32(8, 4),
  trans: f32(12, 4),
  centre: f32(16, 4),
  intrinsics: f32(20, 4),
  clip: f32(24, 4),
  background: f32(28, 4),
  image: u32(32, 4),
  params: f32(36, 4),
  counts: u32(40, 4),
  flags: u32(44, 4),
  filter2d: f32(48, 4),
});

/** One viewer quad (shaders/common/quad.wgsl), written and read only on the GPU: the host sizes buffers by it. */
export const SPLAT_QUAD = structLayout('common/quad.wgsl', 'SplatQuad', 'storage', 64, {
  centre_axis1: f32(0, 4),
  axis2_conic_a: f32(4, 4),
  conic_c_rgb: f32(8, 4),
  opacity: f32(12),
  t_cap: f32(13),
  t_cut: f32(14),
});

export const ADAM_PARAMS = structLayout('common/adam.wgsl', 'AdamParams', 'uniform', 64, {
  lr_a: f32(0),
  lr_b: f32(1),
  beta1: f32(2),
  beta2: f32(3),
  eps: f32(4),
  bias1: f32(5),
  bias2: f32(6),
  count: u32(7),
  period: u32(8),
  first: u32(9),
  one_minus_beta1: f32(10),
  one_minus_beta2: f32(11),
  row_width: u32(12),
  base: u32(13),
  row_vec4s: u32(14),
  active_vec4s: u32(15),
});

export const DENSIFY_CLASSIFY_PARAMS = structLayout('densify_classify.wgsl', 'ClassifyParams', 'uniform', 48, {
  count: u32(0),
  children: u32(1),
  world_prune: u32(2),
  grad_threshold: f32(4),
  clone_max_log_scale: f32(5),
  prune_max_log_scale: f32(6),
  min_opacity_logit: f32(7),
  log_divisor: f32(8),
});

export const DENSIFY_CAP_PARAMS = structLayout('densify_cap.wgsl', 'CapParams', 'uniform', 16, {
  count: u32(0),
  children: u32(1),
  max_splats: u32(2),
});

export const DENSIFY_SCATTER_PARAMS = structLayout('densify_scatter.wgsl', 'ScatterParams', 'uniform', 16, {
  count: u32(0),
  width: u32(1),
});

export const DENSIFY_SPLIT_PARAMS = structLayout('densify_split.wgsl', 'SplitParams', 'uniform', 32, {
  count: u32(0),
  seed: u32(1),
  iteration: u32(2),
  log_divisor: f32(4),
  clone_spread: f32(5),
});

export const OPACITY_RESET_PARAMS = structLayout('opacity_reset.wgsl', 'ResetParams', 'uniform', 16, {
  count: u32(0),
  max_logit: f32(1),
});

export const MCMC_WEIGHT_PARAMS = structLayout('mcmc_weights.wgsl', 'WeightParams', 'uniform', 16, {
  count: u32(0),
  relocate: u32(1),
  dead_max_logit: f32(2),
  grad_ref: f32(3),
});

export const MCMC_SAMPLE_PARAMS = structLayout('mcmc_sample.wgsl', 'SampleParams', 'uniform', 32, {
  count: u32(0),
  relocate: u32(1),
  draws: u32(2),
  seed: u32(3),
  iteration: u32(4),
});

export const MCMC_COPY_PARAMS = structLayout('mcmc_copy.wgsl', 'CopyParams', 'uniform', 16, {
  count: u32(0),
  width: u32(1),
  mode: u32(2),
});

export const MCMC_RELOCATE_PARAMS = structLayout('mcmc_relocate.wgsl', 'RelocateParams', 'uniform', 32, {
  count: u32(0),
  mode: u32(1),
  seed: u32(2),
  iteration: u32(3),
  min_opacity: f32(4),
  spread: f32(5),
  relocate: u32(6),
});

export const MCMC_NOISE_PARAMS = structLayout('mcmc_noise.wgsl', 'NoiseParams', 'uniform', 32, {
  count: u32(0),
  seed: u32(1),
  iteration: u32(2),
  scaler: f32(4),
  sharpness: f32(5),
  gate_opacity: f32(6),
});

export const MCMC_REGULARIZE_PARAMS = structLayout('mcmc_regularize.wgsl', 'RegularizeParams', 'uniform', 32, {
  count: u32(0),
  opacity_coeff: f32(4),
  scale_coeff: f32(5),
});

/** Per-image parameters of the loss kernels (shaders/common/ssim.wgsl). */
export const LOSS_PARAMS = structLayout('common/ssim.wgsl', 'LossParams', 'uniform', 16, {
  width: u32(0),
  height: u32(1),
  ssim_weight: f32(2),
  inv_count: f32(3),
});

/** What loss_reduce.wgsl writes and the trainer reads back (src/kernels/image-loss.ts LOSS_STATS). */
export const LOSS_STATS_STRUCT = structLayout('common/ssim.wgsl', 'LossStats', 'storage', 32, {
  loss: f32(0),
  l1: f32(1),
  ssim: f32(2),
  mse: f32(3),
  psnr: f32(4),
  ssim_weight: f32(5),
  pixels: f32(6),
});

export const DOWNSAMPLE_PARAMS = structLayout('downsample.wgsl', 'DownsampleParams', 'uniform', 16, {
  src_w: u32(0),
  src_h: u32(1),
  dst_w: u32(2),
  dst_h: u32(3),
});

export const FINITE_CHECK_PARAMS = structLayout('finite_check.wgsl', 'CheckParams', 'uniform', 16, {
  count: u32(0),
  bit: u32(1),
});

export const BLIT_PARAMS = structLayout('blit.wgsl', 'BlitParams', 'uniform', 16, {
  src_size: u32(0, 2),
  dst_size: u32(2, 2),
});

/** One training camera of the 3D filter (shaders/common/filter3d.wgsl). */
export const FILTER_CAMERA = structLayout('common/filter3d.wgsl', 'FilterCamera', 'storage', 96, {
  rot0: f32(0, 4),
  rot1: f32(4, 4),
  rot2: f32(8, 4),
  trans: f32(12, 4),
  intrinsics: f32(16, 4),
  size_near: f32(20, 4),
});

export const FILTER3D_PARAMS = structLayout('common/filter3d.wgsl', 'Filter3dParams', 'uniform', 16, {
  count: u32(0),
  cameras: u32(1),
});

/** One radix sort pass's constants (shaders/common/sort.wgsl), one per 256-byte dynamic-offset slot. */
export const SORT_PASS = structLayout('common/sort.wgsl', 'SortPass', 'uniform', 16, {
  shift: u32(0),
  mask: u32(1),
  bins: u32(2),
});
