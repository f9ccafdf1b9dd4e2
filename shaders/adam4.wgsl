// Adam update (common/adam.wgsl), four elements per invocation over the buffer's whole 256-byte
// blocks (the scalar adam.wgsl takes the rest). A software adapter pays a bounds-checked access
// per load and store; a vec4 is one. Elements 4j..4j+3 for j < count / 4 (base 0), or with
// active columns (common/adam.wgsl) the k-th of the rows' count / 4 active vec4s.
#include "common/dispatch.wgsl"
#include "common/adam.wgsl"

@group(0) @binding(0) var<uniform> params: AdamParams;
@group(0) @binding(1) var<storage, read_write> param: array<vec4<f32>>;  // [count / 4]
@group(0) @binding(2) var<storage, read> grad: array<vec4<f32>>;         // [count / 4]
@group(0) @binding(3) var<storage, read_write> m1: array<vec4<f32>>;     // [count / 4] first moment
@group(0) @binding(4) var<storage, read_write> m2: array<vec4<f32>>;     // [count / 4] second moment
@group(0) @binding(5) var<storage, read> projected: array<ProjectedSplat>; // [N] this step's projection (unread when row_width = 0)

@compute @workgroup_size(ADAM_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let k = linear_index(wg, nwg, li, ADAM_WG);
  let a = params;
  if (k >= a.count / 4u) { return; }
  var j = k;
  if (a.active_vec4s != 0u) { j = (k / a.active_vec4s) * a.row_vec4s + k % a.active_vec4s; }
  var keep = vec4<bool>(false);
  if (a.row_width != 0u) {
    let rows = adam_rows4(a, 4u * j);
    keep = vec4<bool>(projected[rows.x].tiles == 0u, projected[rows.y].tiles == 0u,
                      projected[rows.z].tiles == 0u, projected[rows.w].tiles == 0u);
    if (all(keep)) { return; }
  }
  let s = adam_update(a, adam_lr4(a, 4u * j), keep, AdamState(param[j], m1[j], m2[j]), grad[j]);
  m1[j] = s.m;
  m2[j] = s.v;
  param[j] = s.param;
}
