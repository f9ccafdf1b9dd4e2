// Area-average downsample of an RGBA f32 image (coarse-to-fine training targets). One invocation
// per output pixel o < dst_w * dst_h: the pixel covers the source rectangle
// [ox * src_w / dst_w, (ox + 1) * src_w / dst_w) x (the same in y) and is the mean of the source
// pixels it covers, each weighted by its overlap (fractional at the edges). Overlaps are exact
// integers in units of 1 / dst_w (x) and 1 / dst_h (y): source pixel s spans [s dst_w, (s + 1) dst_w)
// and output pixel ox spans [ox src_w, (ox + 1) src_w), so every weight is an exact f32 and only
// the sums round (positions need src_w * dst_w < 2^32, checked by the host). Reads src only; writes dst[o] only; a fixed loop
// order per pixel (deterministic). src/reference/downsample.ts is the float64 twin;
// src/io/image-resize.ts the same filter on the CPU at load.
#include "common/dispatch.wgsl"

struct DownsampleParams {
  src_w: u32,
  src_h: u32,
  dst_w: u32,
  dst_h: u32,
}

@group(0) @binding(0) var<uniform> params: DownsampleParams;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;       // [src_h, src_w] RGBA
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>; // [dst_h, dst_w] RGBA

const DOWNSAMPLE_WG: u32 = 256u;

// Overlap of source pixel s, [s * unit, (s + 1) * unit), with [a, b), in integer units.
fn overlap(s: u32, unit: u32, a: u32, b: u32) -> f32 {
  let lo = max(a, s * unit);
  let hi = min(b, (s + 1u) * unit);
  return f32(select(0u, hi - lo, hi > lo));
}

@compute @workgroup_size(DOWNSAMPLE_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let o = linear_index(wg, nwg, li, DOWNSAMPLE_WG);
  if (o >= params.dst_w * params.dst_h) { return; }
  let ox = o % params.dst_w;
  let oy = o / params.dst_w;
  let ax = ox * params.src_w;
  let bx = ax + params.src_w;
  let ay = oy * params.src_h;
  let by = ay + params.src_h;
  let x0 = ax / params.dst_w;
  let x1 = (bx + params.dst_w - 1u) / params.dst_w;
  let y0 = ay / params.dst_h;
  let y1 = (by + params.dst_h - 1u) / params.dst_h;
  var sum = vec4<f32>(0.0);
  for (var y = y0; y < y1; y++) {
    var row = vec4<f32>(0.0);
    for (var x = x0; x < x1; x++) {
      row += overlap(x, params.dst_w, ax, bx) * src[y * params.src_w + x];
    }
    sum += overlap(y, params.dst_h, ay, by) * row;
  }
  // The weights of one output pixel sum to src_w * src_h exactly.
  dst[o] = sum / (f32(params.src_w) * f32(params.src_h));
}
