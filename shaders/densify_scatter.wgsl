// Densification, pass 3 of 4 (once per parameter group): one invocation per element (i, e) of
// the source rows [N, width]. With row_layout = exclusive scan of densify_cap's rows [2, N], row i
// survives iff row_layout[i + 1] > row_layout[i] and then lands at row row_layout[i] with its parameters and
// Adam moments; its new rows are [row_layout[N + i], row_layout[N + i + 1]), each a copy of its
// parameters with zero moments (the reference's optimizer extends moments with zeros).
// densify_split then overwrites split children's means and log-scales. Source and destination
// are different buffers, so no row is read after being overwritten.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"

struct ScatterParams {
  count: u32,   // source rows N
  width: u32,   // f32 per row
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: ScatterParams;
@group(0) @binding(1) var<storage, read> row_layout: array<u32>;          // [2N + 1] exclusive scan of rows
@group(0) @binding(2) var<storage, read> src_param: array<f32>;       // [N, width]
@group(0) @binding(3) var<storage, read> src_m: array<f32>;           // [N, width] Adam first moment
@group(0) @binding(4) var<storage, read> src_v: array<f32>;           // [N, width] Adam second moment
@group(0) @binding(5) var<storage, read_write> dst_param: array<f32>; // [N', width]
@group(0) @binding(6) var<storage, read_write> dst_m: array<f32>;     // [N', width]
@group(0) @binding(7) var<storage, read_write> dst_v: array<f32>;     // [N', width]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let idx = linear_index(wg, nwg, li, WG_SIZE);
  let n = params.count;
  let w = params.width;
  if (idx >= n * w) { return; }
  let i = idx / w;
  let e = idx - i * w;
  let p = src_param[idx];
  if (row_layout[i + 1u] > row_layout[i]) {
    let d = row_layout[i] * w + e;
    dst_param[d] = p;
    dst_m[d] = src_m[idx];
    dst_v[d] = src_v[idx];
  }
  for (var r = row_layout[n + i]; r < row_layout[n + i + 1u]; r++) {
    let d = r * w + e;
    dst_param[d] = p;
    dst_m[d] = 0.0;
    dst_v[d] = 0.0;
  }
}
