// Adds one view's share of every splat to its total over views: sum over the view's pixels of
// alpha T, the weight the splat's colour gets in the blend. The backward computes it already: with
// the image gradient 1 in red and 0 elsewhere, dL/d(projected red) of splat g is exactly that sum,
// under the forward's skip and stop rules (project_backward_reduce.wgsl writes it to
// v_projected[g].c_o_rg.z). One invocation per splat; the totals add in view order, so they are
// deterministic. A splat outside the view (no tiles) adds nothing, whatever v_projected holds
// (today's reduce writes it zero there; the test leaves an earlier view's gradients behind).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/gradient.wgsl"

@group(1) @binding(0) var<storage, read> projected: array<ProjectedSplat>;   // [N] by splat
@group(1) @binding(1) var<storage, read> v_projected: array<ProjectedGrad>;  // [N] by splat
@group(1) @binding(2) var<storage, read_write> total: array<f32>;            // [N] sum over views

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let g = linear_index(wg, nwg, li, WG_SIZE);
  if (g >= cam.counts.x) { return; }
  if (projected[g].tiles > 0u) {
    total[g] += v_projected[g].c_o_rg.z;
  }
}
