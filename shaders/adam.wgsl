// Adam update (common/adam.wgsl), one invocation per element e < count of views that start at
// buffer index `base`: the elements after the vec4 kernel's (adam4.wgsl) whole 256-byte blocks,
// at most 63 of them.
#include "common/dispatch.wgsl"
#include "common/adam.wgsl"

@group(0) @binding(0) var<uniform> params: AdamParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;  // [count] from element base
@group(0) @binding(2) var<storage, read> grad: array<f32>;         // [count] from element base
@group(0) @binding(3) var<storage, read_write> m1: array<f32>;     // [count] first moment, from base
@group(0) @binding(4) var<storage, read_write> m2: array<f32>;     // [count] second moment, from base
@group(0) @binding(5) var<storage, read> projected: array<ProjectedSplat>; // [N] this step's projection (unread when row_width = 0)

@compute @workgroup_size(ADAM_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linear_index(wg, nwg, li, ADAM_WG);
  let a = params;
  if (e >= a.count) { return; }
  let global = a.base + e;
  if (a.row_width != 0u && projected[global / a.row_width].tiles == 0u) { return; }
  let s = adam_update(a, vec4<f32>(adam_lr(a, global)), vec4<bool>(false), AdamState(vec4<f32>(param[e]), vec4<f32>(m1[e]), vec4<f32>(m2[e])), vec4<f32>(grad[e]));
  m1[e] = s.m.x;
  m2[e] = s.v.x;
  param[e] = s.param.x;
}
