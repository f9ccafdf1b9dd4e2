// Per-splat reduction of the rasterizer's (splat, tile) partial gradients: one invocation per
// depth-sorted position s < N. A splat's partials sit in the contiguous slots
// [offsets[s], offsets[s + 1]) (emission order), each as ISECT_COPIES copies that add up to the
// partial (src/kernels/rasterize-backward.ts: 4 for the CPU shape without subgroups, else 1), summed
// here in slot then copy order, so the totals are deterministic. Also the opacity-logit gradient (through the sigmoid) and the densification
// statistics: for every visible splat, the norm of the screen-space mean gradient in NDC units
// (pixel gradient times W/2, H/2) and a visibility count (no max screen radius: the reference's
// screen-size prune is dead code there, see decisions.md, so nothing would read it).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/gradient.wgsl"
#include "common/isect_count.wgsl"

// Copies of each slot's partial (the rasterizer backward's shape).
override ISECT_COPIES: u32 = 1u;

@group(1) @binding(0) var<storage, read> depth_order: array<u32>;           // [N] splat index, front to back
@group(1) @binding(1) var<storage, read> offsets: array<u32>;               // [N + 1] first slot per sorted splat
@group(1) @binding(2) var<storage, read> v_isect: array<ProjectedGrad>;     // [count, ISECT_COPIES] partials by slot, copy
@group(1) @binding(3) var<storage, read> projected: array<ProjectedSplat>;  // [N]
@group(1) @binding(4) var<storage, read_write> v_projected: array<ProjectedGrad>; // [N] by splat
@group(1) @binding(5) var<storage, read_write> v_opacity_logits: array<f32>; // [N]
@group(1) @binding(6) var<storage, read_write> densify: array<vec4<f32>>;   // [N] grad-norm sum, count, _, _
@group(1) @binding(7) var<storage, read> isect_count: IsectCount;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let s = linear_index(wg, nwg, li, WG_SIZE);
  // A frame whose intersections overflowed the buffers has missing partials: it is redone by the
  // host after growing them, so it must not add to the densification statistics (nor read slots
  // past the capacity).
  if (s >= cam.counts.x || isect_count.total != isect_count.kept) { return; }
  let g = depth_order[s];
  var acc = ProjectedGrad(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
  for (var e = offsets[s] * ISECT_COPIES; e < offsets[s + 1u] * ISECT_COPIES; e++) {
    // b holds blue in x and zeros (the rasterizers write them): its x alone, a quarter fewer
    // loads and adds per copy on a software adapter (each float of each lane is its own load).
    acc.xy_ab += v_isect[e].xy_ab;
    acc.c_o_rg += v_isect[e].c_o_rg;
    acc.b.x += v_isect[e].b.x;
  }
  v_projected[g] = acc;
  let p = projected[g];
  // opacity = sigmoid(x) * comp: dL/dx = dL/dopacity * comp * s (1 - s), s = opacity / comp.
  v_opacity_logits[g] = select(0.0, acc.c_o_rg.y * p.opacity * (1.0 - p.opacity / p.comp), p.tiles > 0u);
  if (p.tiles > 0u) {
    let ndc = vec2<f32>(acc.xy_ab.x * 0.5 * f32(cam.image.x), acc.xy_ab.y * 0.5 * f32(cam.image.y));
    var st = densify[g];
    st.x += length(ndc);
    st.y += 1.0;
    densify[g] = st;
  }
}
