// Opacity reset: one invocation per splat i < count clamps its opacity to at most the reset
// opacity (as the logit clamp min(logit, logit(o)): the sigmoid is monotone, so this is
// inverse_sigmoid(min(sigmoid(logit), o)) without the round trip) and zeroes that row's Adam
// moments of the opacity group, as the reference's replace_tensor_to_optimizer does.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"

struct ResetParams {
  count: u32,
  max_logit: f32,   // logit(resetOpacity), from float64 on the host
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: ResetParams;
@group(0) @binding(1) var<storage, read_write> opacity_logits: array<f32>; // [N]
@group(0) @binding(2) var<storage, read_write> m_opacity: array<f32>;      // [N] Adam first moment
@group(0) @binding(3) var<storage, read_write> v_opacity: array<f32>;      // [N] Adam second moment

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= params.count) { return; }
  opacity_logits[i] = min(opacity_logits[i], params.max_logit);
  m_opacity[i] = 0.0;
  v_opacity[i] = 0.0;
}
