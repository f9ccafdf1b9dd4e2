// Per-splat reduction of the rasterizer's (splat, tile) partial gradients: one invocation per
// depth-sorted position s < N. A splat's partials sit in the contiguous slots
// [offsets[s], offsets[s + 1]) (emission order), summed here in slot order, so the totals are
// deterministic. Also the opacity-logit gradient (through the sigmoid) and the densification
// statistics: for every visible splat, the norm of the screen-space mean gradient in NDC units
// (pixel gradient times W/2, H/2), a visibility count and the max screen radius.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"

@group(1) @binding(0) var<storage, read> depth_order: array<u32>;           // [N] splat index, front to back
@group(1) @binding(1) var<storage, read> offsets: array<u32>;               // [N + 1] first slot per sorted splat
@group(1) @binding(2) var<storage, read> v_isect: array<f32>;               // [count, 9] partials by slot
@group(1) @binding(3) var<storage, read> projected: array<ProjectedSplat>;  // [N]
@group(1) @binding(4) var<storage, read_write> v_projected: array<f32>;     // [N, 9] v_xy, v_conic, v_opacity, v_rgb
@group(1) @binding(5) var<storage, read_write> v_opacity_logits: array<f32>; // [N]
@group(1) @binding(6) var<storage, read_write> densify: array<vec4<f32>>;   // [N] grad-norm sum, count, max radius, _
@group(1) @binding(7) var<storage, read> isect_count: array<u32>;           // [2] true total, records kept

const STRIDE: u32 = 9u;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let s = linear_index(wg, nwg, li, WG_SIZE);
  // A frame whose intersections overflowed the buffers has missing partials: it is redone by the
  // host after growing them, so it must not add to the densification statistics (nor read slots
  // past the capacity).
  if (s >= cam.counts.x || isect_count[0] != isect_count[1]) { return; }
  let g = depth_order[s];
  var acc: array<f32, 9>;
  for (var slot = offsets[s]; slot < offsets[s + 1u]; slot++) {
    for (var c = 0u; c < STRIDE; c++) { acc[c] += v_isect[slot * STRIDE + c]; }
  }
  for (var c = 0u; c < STRIDE; c++) { v_projected[g * STRIDE + c] = acc[c]; }
  let p = projected[g];
  v_opacity_logits[g] = acc[5] * p.opacity * (1.0 - p.opacity);
  if (p.tiles > 0u) {
    let ndc = vec2<f32>(acc[0] * 0.5 * f32(cam.image.x), acc[1] * 0.5 * f32(cam.image.y));
    var st = densify[g];
    st.x += length(ndc);
    st.y += 1.0;
    st.z = max(st.z, p.radius);
    densify[g] = st;
  }
}
