// Tile rasterizer (forward): one workgroup per 16x16 tile; each invocation owns 4 consecutive
// pixels of a tile row, held as the lanes of vec4s, so every record it reads serves 4 pixels and
// the blending is straight-line vector code (CPU adapters compile WGSL with few optimisations).
// Every pixel walks its tile's list front to back and blends with the reference rules
// (decisions.md): skip when the Gaussian exponent is positive or alpha < 1/255, alpha capped at
// 0.99, stop before a splat that would take T below 1e-4. Writes the RGBA image (alpha = 1 - T)
// and, for the backward pass, the final transmittance and the number of list entries consumed
// up to the last blended one.
// No workgroup memory and no barriers: invocations read the records themselves (the same
// addresses for the whole tile, so caches serve them) and stop once their 4 pixels are done.
// The walk is two loops: an inner one that skips entries whose alpha box misses the row (about
// half of a tile's list) carrying nothing but the index, and the blend around it. SwiftShader
// pays for every value a loop carries on every trip (the blend state is 25 SIMD registers), so a
// skip that went round the blend loop cost as much as a blend: one loop took 1.75x the time
// (bench/README.md). The skip tests only the row, the same for the 4 invocations of a SIMD group;
// a pixel outside the box's columns is evaluated and rejected by the blend test itself.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/tile_record.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> ranges: array<vec2<u32>>;       // [tiles] start, end
@group(1) @binding(1) var<storage, read> records: array<TileRecord>;     // [count] tile order
@group(1) @binding(2) var<storage, read_write> image: array<vec4<f32>>;  // [H, W] rgba
// Per pixel: (bits of the final transmittance T, list entries consumed up to the last blended).
@group(1) @binding(3) var<storage, read_write> pixel_state: array<vec2<u32>>; // [H, W]

const LANES = vec4<f32>(0.0, 1.0, 2.0, 3.0);

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let width = cam.image.x;
  let px0 = wg.x * TILE_SIZE + (li % 4u) * 4u;
  let py = wg.y * TILE_SIZE + li / 4u;
  if (px0 >= width || py >= cam.image.y) { return; }
  let range = ranges[wg.y * cam.image.z + wg.x];
  // Pixel centres of the 4 lanes; lanes past the right edge start done.
  let cx = f32(px0) + 0.5 + LANES;
  let cy = f32(py) + 0.5;
  var live = vec4<u32>(LANES) + vec4<u32>(px0) < vec4<u32>(width);

  var t = vec4<f32>(1.0);
  var r = vec4<f32>(0.0);
  var g = vec4<f32>(0.0);
  var b = vec4<f32>(0.0);
  var last = vec4<u32>(0u);
  var j = range.x;
  loop {
    // Skip to the next entry whose alpha box reaches this row: uniform across the SIMD group (one
    // row), and a tight loop that carries only j.
    loop {
      if (j >= range.y) { break; }
      if (abs(records[j].xy_ab.y - cy) <= records[j].b_slot.w) { break; }
      j++;
    }
    if (j >= range.y || !any(live)) { break; }
    let rec = records[j];
    let dx = vec4<f32>(rec.xy_ab.x) - cx;
    let dy = rec.xy_ab.y - cy;
    let power = splat_power4(dx, dy, vec3<f32>(rec.xy_ab.zw, rec.c_o_rg.x));
    let alpha = min(vec4<f32>(ALPHA_MAX), rec.c_o_rg.y * exp(power));
    let hit = live & (power <= vec4<f32>(0.0)) & (alpha >= vec4<f32>(ALPHA_MIN));
    let next_t = t * (1.0 - alpha);
    let stop = hit & (next_t < vec4<f32>(T_MIN));
    live = live & !stop;
    let blend = hit & !stop;
    let w = select(vec4<f32>(0.0), alpha * t, blend);
    r += rec.c_o_rg.z * w;
    g += rec.c_o_rg.w * w;
    b += rec.b_slot.x * w;
    t = select(t, next_t, blend);
    last = select(last, vec4<u32>(j - range.x + 1u), blend);
    j++;
  }
  let bg = cam.background.rgb;
  let row = py * width;
  for (var k = 0u; k < 4u; k++) {
    if (px0 + k >= width) { break; }
    image[row + px0 + k] = vec4<f32>(r[k] + t[k] * bg.r, g[k] + t[k] * bg.g, b[k] + t[k] * bg.b, 1.0 - t[k]);
    pixel_state[row + px0 + k] = vec2<u32>(bitcast<u32>(t[k]), last[k]);
  }
}
