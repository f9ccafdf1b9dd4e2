// Per-frame camera uniform, bind group 0 of every kernel that projects or rasterizes.
// Host layout: CAMERA_UNIFORM in src/kernels/layouts.ts (probe-tested), packed by
// src/kernels/camera-uniform.ts.
struct CameraUniform {
  rot0: vec4<f32>,        // row 0 of world-to-camera R (xyz)
  rot1: vec4<f32>,        // row 1
  rot2: vec4<f32>,        // row 2
  trans: vec4<f32>,       // world-to-camera t (xyz)
  centre: vec4<f32>,      // camera centre in world space (xyz), for SH view directions
  intrinsics: vec4<f32>,  // fx, fy, cx, cy (pixels)
  clip: vec4<f32>,        // Jacobian clamp on x/z: min, max; on y/z: min, max
  background: vec4<f32>,  // rgb background composited under the splats
  image: vec4<u32>,       // width, height, tiles_x, tiles_y
  params: vec4<f32>,      // near plane z, splat scale, depth key offset, depth key scale (viewer sort)
  counts: vec4<u32>,      // splat count N, active SH degree, SH coefficients per splat in the buffer (K),
                          // largest quantised depth key (0: keys are the f32 bits of the depth)
  flags: vec4<u32>,       // x: 1 = anti-aliasing (2D filter with opacity compensation);
                          // y: dropout threshold (rate times 2^32, 0 = none), z: its seed, w: its iteration
  filter2d: vec4<f32>,    // x: the 2D filter's variance added to Sigma2D's diagonal (px^2);
                          // y: the kept splats' opacity factor under dropout, 1 / (1 - rate); zw unused
}

@group(0) @binding(0) var<uniform> cam: CameraUniform;

fn cam_rotation() -> mat3x3<f32> {
  // WGSL matrices are column-major: columns of R are built from its rows' components.
  return transpose(mat3x3<f32>(cam.rot0.xyz, cam.rot1.xyz, cam.rot2.xyz));
}
