// MCMC copies, pass 3 of a round (once per parameter group), one invocation per element:
//   mode 0: element (j, e) of draw j < info[0] copies the source row's value into the
//           destination row and zeroes the destination's Adam moments;
//   mode 1: element (i, e) of row i < count zeroes its moments when the row was drawn.
// Destinations (dead or appended rows) are never sources, so no row is read after being written.
// mcmc_relocate then overwrites the opacity logit and log-scales of sources and copies.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"

struct CopyParams {
  count: u32,   // mode 0: draws bound of the dispatch; mode 1: rows N
  width: u32,   // f32 per row
  mode: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: CopyParams;
@group(0) @binding(1) var<storage, read> pairs: array<vec2<u32>>;  // [draws] (source, destination)
@group(0) @binding(2) var<storage, read> counts: array<u32>;       // [N] times drawn
@group(0) @binding(3) var<storage, read> info: array<u32>;         // [4] draws made
@group(0) @binding(4) var<storage, read_write> param: array<f32>;  // [rows, width]
@group(0) @binding(5) var<storage, read_write> m1: array<f32>;     // [rows, width] Adam first moment
@group(0) @binding(6) var<storage, read_write> m2: array<f32>;     // [rows, width] Adam second moment

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let idx = linear_index(wg, nwg, li, WG_SIZE);
  let w = params.width;
  if (idx >= params.count * w) { return; }
  let r = idx / w;
  let e = idx - r * w;
  if (params.mode == 0u) {
    if (r >= info[0]) { return; }
    let pr = pairs[r];
    let d = pr.y * w + e;
    param[d] = param[pr.x * w + e];
    m1[d] = 0.0;
    m2[d] = 0.0;
  } else if (counts[r] > 0u) {
    m1[idx] = 0.0;
    m2[idx] = 0.0;
  }
}
