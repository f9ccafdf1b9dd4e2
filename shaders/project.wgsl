// Projection forward (tile path): one invocation per splat i < N.
// Reads the raw Gaussian parameters, writes the projected record (2D mean, conic, opacity, SH
// colour, extent, tile count; common/project_splat.wgsl) and the depth-sort key/value pair.
// Culled splats get the zero record and the key CULLED_KEY, so they sort after every visible one.
#include "common/dispatch.wgsl"
#include "common/project_splat.wgsl"

@group(1) @binding(0) var<storage, read> means: array<f32>;            // [N, 3] world xyz
@group(1) @binding(1) var<storage, read> log_scales: array<f32>;       // [N, 3] log of std-devs
@group(1) @binding(2) var<storage, read> quats: array<vec4<f32>>;      // [N, 4] wxyz, unnormalised
@group(1) @binding(3) var<storage, read> opacity_logits: array<f32>;   // [N]
@group(1) @binding(4) var<storage, read> sh: array<f32>;               // [N, K, 3] coefficient-major RGB
@group(1) @binding(5) var<storage, read_write> projected: array<ProjectedSplat>; // [N]
@group(1) @binding(6) var<storage, read_write> depth_keys: array<u32>;  // [N] f32 bits of z, or CULLED_KEY
@group(1) @binding(7) var<storage, read_write> depth_values: array<u32>; // [N] splat index

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= cam.counts.x) { return; }
  let p = project_splat(i);
  projected[i] = p.splat;
  // Positive finite depths order like their bit patterns.
  depth_keys[i] = select(bitcast<u32>(p.depth), CULLED_KEY, p.splat.tiles == 0u);
  depth_values[i] = i;
}
