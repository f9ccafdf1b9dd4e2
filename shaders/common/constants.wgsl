// Constants shared by every kernel and by the TypeScript host (src/gpu/constants.ts parses this
// file, so it is the single source of truth). Values follow ../shared/docs/decisions.md.

// Tiles are TILE_SIZE x TILE_SIZE pixels; one rasterize workgroup per tile, one thread per pixel.
const TILE_SIZE: u32 = 16u;
const TILE_PIXELS: u32 = 256u;
// Workgroup size of the one-thread-per-item kernels (projection, emission, reductions).
const WG_SIZE: u32 = 256u;
// Low-pass dilation added to the diagonal of the 2D covariance, in px^2: the host's default for
// CameraUniform.filter2d (an antialiased scene may carry its own size).
const COV2D_DILATION: f32 = 0.3;
// Alpha is capped here; gradients of the geometry/opacity vanish where the cap was hit.
const ALPHA_MAX: f32 = 0.99;
// Splats with alpha below this skip a pixel.
const ALPHA_MIN: f32 = 0.00392156862745098;
// A pixel stops before a splat that would take its transmittance below this.
const T_MIN: f32 = 0.0001;
// Jacobian clamp: the view ray used for J is limited to 1.3 * tan(fov / 2) (off-centre form).
const FRUSTUM_CLAMP: f32 = 1.3;
// Extent of a splat in standard deviations along its largest axis.
const EXTENT_SIGMA: f32 = 3.0;
// The sort key written for culled splats: larger than the bits of any positive finite depth.
const CULLED_KEY: u32 = 0xffffffffu;
