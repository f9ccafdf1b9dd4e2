// Tile rasterizer (forward): one workgroup of 32 invocations per 16x16 tile; each invocation owns
// 4 consecutive pixels of two adjacent tile rows, held as the lanes of two row segments' vec4s,
// so every record it reads serves 8 pixels and the blending is straight-line vector code (CPU
// adapters compile WGSL with few optimisations). Every pixel walks its tile's list front to back
// and blends with the reference rules (decisions.md): skip when the Gaussian exponent is
// positive or alpha < 1/255, alpha capped at 0.99, stop before a splat that would take T below
// 1e-4. Writes the RGBA image (alpha = 1 - T) and, for the backward pass, the final
// transmittance and the number of list entries consumed up to the last blended one.
// No workgroup memory and no barriers: invocations read the records themselves (the same
// addresses for the whole tile, so caches serve them) and stop once their 8 pixels are done.
// The walk is two loops: an inner one that skips entries whose alpha box misses both rows (about
// half of a tile's list) carrying nothing but the index, and the blend around it. SwiftShader
// pays for every value a loop carries on every trip, so a skip that went round the blend loop
// cost as much as a blend: one loop took 1.75x the time. Two rows an invocation halve the skip
// loop's trips (0.70x the time of one row; four rows, carrying twice the state, 1.14x of two;
// bench/README.md, fourteenth session). The skip tests only the rows, the same for the 4
// invocations of a SIMD group; a pixel outside the box's columns is evaluated and rejected by
// the blend test itself.
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

// One 4-pixel row segment's blend state (live: still blending; false past the image edges and
// once T would drop below 1e-4).
struct Seg {
  t: vec4<f32>,
  r: vec4<f32>,
  g: vec4<f32>,
  b: vec4<f32>,
  last: vec4<u32>,
  live: vec4<bool>,
}

fn seg_new(live: vec4<bool>) -> Seg {
  return Seg(vec4<f32>(1.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<u32>(0u), live);
}

// Blends list entry `entry` (1-based) into a segment; dx = mean x - pixel centres, dy likewise.
fn seg_blend(s: ptr<function, Seg>, rec: TileRecord, dx: vec4<f32>, dy: f32, entry: u32) {
  let power = splat_power4(dx, dy, vec3<f32>(rec.xy_ab.zw, rec.c_o_rg.x));
  let alpha = min(vec4<f32>(ALPHA_MAX), rec.c_o_rg.y * exp(power));
  let live = (*s).live;
  let hit = live & (power <= vec4<f32>(0.0)) & (alpha >= vec4<f32>(ALPHA_MIN));
  let t = (*s).t;
  let next_t = t * (1.0 - alpha);
  let stop = hit & (next_t < vec4<f32>(T_MIN));
  (*s).live = live & !stop;
  let blend = hit & !stop;
  let w = select(vec4<f32>(0.0), alpha * t, blend);
  (*s).r += rec.c_o_rg.z * w;
  (*s).g += rec.c_o_rg.w * w;
  (*s).b += rec.b_slot.x * w;
  (*s).t = select(t, next_t, blend);
  (*s).last = select((*s).last, vec4<u32>(entry), blend);
}

fn seg_store(s: Seg, px0: u32, py: u32) {
  let width = cam.image.x;
  if (py >= cam.image.y) { return; }
  let bg = cam.background.rgb;
  let row = py * width;
  for (var k = 0u; k < 4u; k++) {
    if (px0 + k >= width) { break; }
    image[row + px0 + k] = vec4<f32>(s.r[k] + s.t[k] * bg.r, s.g[k] + s.t[k] * bg.g, s.b[k] + s.t[k] * bg.b, 1.0 - s.t[k]);
    pixel_state[row + px0 + k] = vec2<u32>(bitcast<u32>(s.t[k]), s.last[k]);
  }
}

@compute @workgroup_size(32)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let width = cam.image.x;
  let px0 = wg.x * TILE_SIZE + (li % 4u) * 4u;
  let py = wg.y * TILE_SIZE + (li / 4u) * 2u;
  if (px0 >= width || py >= cam.image.y) { return; }
  let range = ranges[wg.y * cam.image.z + wg.x];
  let cx = f32(px0) + 0.5 + LANES;
  let cy0 = f32(py) + 0.5;
  let cy1 = f32(py + 1u) + 0.5;
  let cols_in = vec4<u32>(LANES) + vec4<u32>(px0) < vec4<u32>(width);
  var s0 = seg_new(cols_in);
  var s1 = seg_new(cols_in & vec4<bool>(py + 1u < cam.image.y));
  var j = range.x;
  loop {
    // Skip to the next entry whose alpha box reaches either row, in a loop that carries only j.
    loop {
      if (j >= range.y) { break; }
      let y = records[j].xy_ab.y;
      if (min(abs(y - cy0), abs(y - cy1)) <= records[j].b_slot.w) { break; }
      j++;
    }
    if (j >= range.y || !any(s0.live | s1.live)) { break; }
    let rec = records[j];
    let dx = vec4<f32>(rec.xy_ab.x) - cx;
    let entry = j - range.x + 1u;
    seg_blend(&s0, rec, dx, rec.xy_ab.y - cy0, entry);
    seg_blend(&s1, rec, dx, rec.xy_ab.y - cy1, entry);
    j++;
  }
  seg_store(s0, px0, py);
  seg_store(s1, px0, py + 1u);
}
