// Mip-Splatting's 3D smoothing filter, shared by its kernels. Each splat gets an isotropic
// Gaussian filter of standard deviation sqrt(FILTER3D_VARIANCE) / nu, nu = the highest sampling
// rate (focal / depth, pixels per world unit) among the training cameras that see its centre;
// the filtered splat has scale^2 + filter^2 per axis and opacity times
// sqrt(prod s^2 / prod (s^2 + filter^2)), so it keeps its energy.
const FILTER3D_VARIANCE: f32 = 0.2;
// A camera sees a centre in front of its near plane and within the image widened by 15% a side.
const FILTER3D_MARGIN: f32 = 0.15;

// One training camera: world-to-camera rows, translation, and (fx, fy, cx, cy), (W, H, near, _).
// Host layouts of both structs: FILTER_CAMERA, FILTER3D_PARAMS in src/kernels/layouts.ts.
struct FilterCamera {
  rot0: vec4<f32>,
  rot1: vec4<f32>,
  rot2: vec4<f32>,
  trans: vec4<f32>,
  intrinsics: vec4<f32>,
  size_near: vec4<f32>,
}

struct Filter3dParams {
  count: u32,    // splats N
  cameras: u32,  // training cameras
  _pad0: u32,
  _pad1: u32,
}
