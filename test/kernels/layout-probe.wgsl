// Test-only probe: copies every field of the shared structs through WGSL's own layout into a
// flat array, so the test can compare them with the byte offsets the host writes and reads.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/gradient.wgsl"
#include "common/tile_record.wgsl"

@group(1) @binding(0) var<storage, read_write> out: array<f32>;
@group(1) @binding(1) var<storage, read_write> rec: array<ProjectedSplat>;
@group(1) @binding(2) var<storage, read_write> grads: array<ProjectedGrad>;
@group(1) @binding(3) var<storage, read_write> tile_recs: array<TileRecord>;

@compute @workgroup_size(1)
fn main() {
  out[0] = cam.rot0.x; out[1] = cam.rot1.y; out[2] = cam.rot2.z;
  out[3] = cam.trans.z; out[4] = cam.centre.y; out[5] = cam.intrinsics.w;
  out[6] = cam.clip.y; out[7] = cam.background.z; out[8] = f32(cam.image.w);
  out[9] = cam.params.y; out[10] = f32(cam.counts.z); out[11] = f32(cam.flags.x);
  out[12] = cam.filter2d.x;
  // Write a record with distinct values per field; the host reads it at PROJECTED_SPLAT offsets.
  var p: ProjectedSplat;
  p.xy = vec2<f32>(1.0, 2.0);
  p.comp = 3.0;
  p.opacity = 4.0;
  p.conic = vec3<f32>(5.0, 6.0, 7.0);
  p.radius = 8.0;
  p.rgb = vec3<f32>(9.0, 10.0, 11.0);
  p.tiles = 12u;
  rec[1] = p;
  // The screen-space records by component, at index 1 (so the stride is checked too): 1, 2, ...
  // in component order; the host reads them at PROJECTED_GRAD and TILE_RECORD offsets.
  grads[1] = ProjectedGrad(vec4<f32>(1.0, 2.0, 3.0, 4.0), vec4<f32>(5.0, 6.0, 7.0, 8.0), vec4<f32>(9.0, 0.0, 0.0, 0.0));
  tile_recs[1] = TileRecord(vec4<f32>(1.0, 2.0, 3.0, 4.0), vec4<f32>(5.0, 6.0, 7.0, 8.0), vec4<f32>(9.0, bitcast<f32>(10u), 11.0, 12.0));
}
