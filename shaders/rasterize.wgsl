// Tile rasterizer (forward): one workgroup per 16x16 tile, one invocation per pixel.
// Splats of the tile's range (front to back) are staged through workgroup memory in batches of
// TILE_PIXELS; every pixel blends them with the reference rules (decisions.md): skip when the
// Gaussian exponent is positive or alpha < 1/255, alpha capped at 0.99, stop before a splat that
// would take T below 1e-4. Writes the RGBA image (alpha = 1 - T) and, for the backward pass,
// the final transmittance and the number of range entries consumed up to the last blended one.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> ranges: array<vec2<u32>>;         // [tiles] start, end
@group(1) @binding(1) var<storage, read> sorted_slots: array<u32>;         // [count] emission slot, tile-sorted
@group(1) @binding(2) var<storage, read> isect_splats: array<u32>;         // [capacity] splat index by slot
@group(1) @binding(3) var<storage, read> projected: array<ProjectedSplat>; // [N]
@group(1) @binding(4) var<storage, read_write> image: array<vec4<f32>>;    // [H, W] rgba
// Per pixel: (bits of the final transmittance T, range entries consumed up to the last blended).
@group(1) @binding(5) var<storage, read_write> pixel_state: array<vec2<u32>>; // [H, W]

var<workgroup> batch_xy_ab: array<vec4<f32>, TILE_PIXELS>;   // x, y, conic A, conic B
var<workgroup> batch_c_o_rg: array<vec4<f32>, TILE_PIXELS>;  // conic C, opacity, r, g
var<workgroup> batch_b: array<f32, TILE_PIXELS>;             // blue
var<workgroup> range_shared: vec2<u32>;
var<workgroup> done_atomic: atomic<u32>;
var<workgroup> done_shared: u32;

@compute @workgroup_size(TILE_PIXELS)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let width = cam.image.x;
  let height = cam.image.y;
  let tile = wg.y * cam.image.z + wg.x;
  let px = wg.x * TILE_SIZE + li % TILE_SIZE;
  let py = wg.y * TILE_SIZE + li / TILE_SIZE;
  let inside = px < width && py < height;
  let pix = vec2<f32>(f32(px) + 0.5, f32(py) + 0.5);

  if (li == 0u) {
    range_shared = ranges[tile];
    atomicStore(&done_atomic, 0u);
  }
  // Loop bounds must be provably uniform for the barriers inside the loop.
  let range = workgroupUniformLoad(&range_shared);
  let n = range.y - range.x;
  let batches = (n + TILE_PIXELS - 1u) / TILE_PIXELS;

  var t = 1.0;
  var color = vec3<f32>(0.0);
  var last = 0u;
  var done = !inside;
  var counted = false;
  for (var b = 0u; b < batches; b++) {
    if (done && !counted) {
      atomicAdd(&done_atomic, 1u);
      counted = true;
    }
    workgroupBarrier();
    if (li == 0u) { done_shared = atomicLoad(&done_atomic); }
    if (workgroupUniformLoad(&done_shared) == TILE_PIXELS) { break; }

    let j = range.x + b * TILE_PIXELS + li;
    if (j < range.y) {
      let p = projected[isect_splats[sorted_slots[j]]];
      batch_xy_ab[li] = vec4<f32>(p.xy, p.conic.x, p.conic.y);
      batch_c_o_rg[li] = vec4<f32>(p.conic.z, p.opacity, p.rgb.x, p.rgb.y);
      batch_b[li] = p.rgb.z;
    }
    workgroupBarrier();

    if (!done) {
      let count = min(TILE_PIXELS, n - b * TILE_PIXELS);
      for (var k = 0u; k < count; k++) {
        let xy_ab = batch_xy_ab[k];
        let c_o_rg = batch_c_o_rg[k];
        let alpha = splat_alpha(xy_ab.xy - pix, vec3<f32>(xy_ab.zw, c_o_rg.x), c_o_rg.y);
        if (alpha < ALPHA_MIN) { continue; }
        let next_t = t * (1.0 - alpha);
        if (next_t < T_MIN) {
          done = true;
          break;
        }
        color += vec3<f32>(c_o_rg.z, c_o_rg.w, batch_b[k]) * (alpha * t);
        t = next_t;
        last = b * TILE_PIXELS + k + 1u;
      }
    }
  }

  if (inside) {
    let idx = py * width + px;
    image[idx] = vec4<f32>(color + t * cam.background.rgb, 1.0 - t);
    pixel_state[idx] = vec2<u32>(bitcast<u32>(t), last);
  }
}
