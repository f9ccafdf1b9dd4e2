/** Constants shared with WGSL, read from `shaders/common/constants.wgsl` (their one source). */
import { SHADER_SOURCES, parseWgslConstants } from './wgsl';

const parsed = parseWgslConstants(SHADER_SOURCES.get('common/constants.wgsl') ?? '');

function constant(name: string): number {
  const v = parsed[name];
  if (v === undefined || !Number.isFinite(v)) throw new Error(`shaders/common/constants.wgsl lacks const ${name}`);
  return v;
}

export const TILE_SIZE = constant('TILE_SIZE');
export const TILE_PIXELS = constant('TILE_PIXELS');
export const WG_SIZE = constant('WG_SIZE');
export const COV2D_DILATION = constant('COV2D_DILATION');
export const ALPHA_MAX = constant('ALPHA_MAX');
export const ALPHA_MIN = constant('ALPHA_MIN');
export const T_MIN = constant('T_MIN');
export const FRUSTUM_CLAMP = constant('FRUSTUM_CLAMP');
export const EXTENT_SIGMA = constant('EXTENT_SIGMA');
