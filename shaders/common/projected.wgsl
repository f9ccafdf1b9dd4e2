// One projected splat: what the rasterizer and its backward read per intersection.
// 48 bytes; host layout PROJECTED_SPLAT in src/kernels/layouts.ts (probe-tested).
struct ProjectedSplat {
  xy: vec2<f32>,       // 2D mean in pixels (pixel i covers [i, i + 1))
  comp: f32,           // anti-aliasing opacity compensation (1 without) times the dropout factor (1 without)
  opacity: f32,        // sigmoid(logit) * comp, what the rasterizers blend with; 0 when culled or dropped
  conic: vec3<f32>,    // inverse of the dilated 2D covariance: (A, B, C) of [[A, B], [B, C]]
  radius: f32,         // screen extent in pixels; 0 when culled
  rgb: vec3<f32>,      // SH colour after +0.5 and the clamp at 0
  tiles: u32,          // number of tiles of its rectangle; 0 when culled
}
