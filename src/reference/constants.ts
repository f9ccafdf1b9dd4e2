/**
 * Forward constants of the float64 CPU reference, written from ../shared/docs/decisions.md
 * ("forward constants", "near plane", "SH") and 3dgs-reference.md §2. They are restated here
 * rather than read from shaders/common/constants.wgsl on purpose: the reference is the oracle the
 * GPU kernels are tested against, so it must not share a source with them. A test checks that
 * the two agree.
 */

/** Tiles are TILE_SIZE x TILE_SIZE pixels; a splat is rendered only in the tiles of its rect. */
export const TILE_SIZE = 16;
/** Low-pass dilation added to the diagonal of the 2D covariance, in px^2. */
export const COV2D_DILATION = 0.3;
/** Alpha cap; the geometry/opacity gradient of a capped alpha is zero. */
export const ALPHA_MAX = 0.99;
/** A splat whose alpha at a pixel is below this skips the pixel. */
export const ALPHA_MIN = 1 / 255;
/** A pixel stops before the splat that would take its transmittance below this. */
export const T_MIN = 1e-4;
/** The Jacobian's view ray is clamped to this many half-fields of view (off-centre form). */
export const FRUSTUM_CLAMP = 1.3;
/** Extent in standard deviations along the major axis: radius = ceil(3 sqrt(lambda_max)). */
export const EXTENT_SIGMA = 3;
/** Floor under mid^2 - det in the eigenvalue formula of the extent. */
export const EIGEN_FLOOR = 0.1;
/** Added to the SH sum before the clamp at 0. */
export const SH_OFFSET = 0.5;
