// Tile rasterizer backward, CPU-adapter shape: one workgroup of ISECT_COPIES = 4 invocations per
// 16x16 tile (one SIMD group on a CPU adapter); deterministic, no float atomics, no workgroup
// memory, no barriers. (GPUs use rasterize_backward.wgsl, which sums a tile's partials across
// 32 threads through workgroup memory.)
//
// Invocation `lane` takes the tile's 4-pixel row segments lane, lane + 4, ... in order. For each
// it walks the list front to back exactly as the forward did (common/blend.wgsl splat_power4, the
// same blend decisions), keeping the segment's state (colour in front, T) in registers, and adds
// the segment's contribution to its own copy of each (splat, tile) partial: v_isect[slot * 4 +
// lane], which it zeroed first. Every copy has one writer and its segments come in a fixed order,
// and project_backward_reduce.wgsl adds the copies in lane order, so the sums are bit-identical
// from run to run.
//
// Per (splat i, pixel) with g = dL/dpixel colour, T_i the transmittance in front of i, C_final
// the foreground colour, C_<=i the colour accumulated through i and T_final the pixel's final T:
//   dL/dc_i     = alpha_i T_i g            (colour; the SH clamp mask is applied later)
//   dL/dalpha_i = g . (c_i T_i - (C_final - C_<=i) / (1 - alpha_i)) - T_final / (1 - alpha_i) (bg . g)
// and through alpha = min(0.99, o exp(power)): nothing flows into the geometry or opacity where
// the cap was hit (decisions.md, gradients row).
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/tile_record.wgsl"
#include "common/gradient.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> ranges: array<vec2<u32>>;            // [tiles] start, end
@group(1) @binding(1) var<storage, read> records: array<TileRecord>;          // [count] tile order
@group(1) @binding(2) var<storage, read> image: array<vec4<f32>>;             // [H, W] rgba forward output
@group(1) @binding(3) var<storage, read> pixel_state: array<vec2<u32>>;       // [H, W] final T bits, entries used
@group(1) @binding(4) var<storage, read> v_image: array<vec4<f32>>;           // [H, W] dL/d rgba (alpha ignored)
@group(1) @binding(5) var<storage, read_write> v_isect: array<ProjectedGrad>; // [capacity, ISECT_COPIES] partials by slot, lane

const LANES = vec4<f32>(0.0, 1.0, 2.0, 3.0);
const ISECT_COPIES: u32 = 4u;

fn slot_of(j: u32) -> u32 {
  return bitcast<u32>(records[j].b_slot.y);
}

@compute @workgroup_size(ISECT_COPIES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lane: u32) {
  let tiles_x = cam.image.z;
  let tile = wg.y * nwg.x + wg.x;
  if (tile >= tiles_x * cam.image.w) { return; }
  let width = cam.image.x;
  let height = cam.image.y;
  let bg = cam.background.rgb;
  let range = ranges[tile];
  for (var j = range.x; j < range.y; j++) {
    v_isect[slot_of(j) * ISECT_COPIES + lane] = ProjectedGrad(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
  }
  let tx = (tile % tiles_x) * TILE_SIZE;
  let ty = (tile / tiles_x) * TILE_SIZE;
  for (var seg = lane; seg < TILE_PIXELS / 4u; seg += ISECT_COPIES) {
    let px0 = tx + (seg % 4u) * 4u;
    let py = ty + seg / 4u;
    if (px0 >= width || py >= height) { continue; }
    let inside = vec4<u32>(LANES) + vec4<u32>(px0) < vec4<u32>(width);
    // The forward's per-pixel results for the 4 lanes (lanes past the edge take nothing).
    var final_t = vec4<f32>(1.0);
    var last = vec4<u32>(0u);
    var fin_r = vec4<f32>(0.0);
    var fin_g = vec4<f32>(0.0);
    var fin_b = vec4<f32>(0.0);
    var g_r = vec4<f32>(0.0);
    var g_g = vec4<f32>(0.0);
    var g_b = vec4<f32>(0.0);
    for (var k = 0u; k < 4u; k++) {
      if (!inside[k]) { break; }
      let idx = py * width + px0 + k;
      let st = pixel_state[idx];
      let ft = bitcast<f32>(st.x);
      let c = image[idx].rgb - ft * bg;
      let g = v_image[idx].rgb;
      final_t[k] = ft;
      last[k] = st.y;
      fin_r[k] = c.r; fin_g[k] = c.g; fin_b[k] = c.b;
      g_r[k] = g.r; g_g[k] = g.g; g_b[k] = g.b;
    }
    let g_bg = bg.r * g_r + bg.g * g_g + bg.b * g_b;
    let cx = f32(px0) + 0.5 + LANES;
    let cy = f32(py) + 0.5;
    let end = range.x + max(max(last.x, last.y), max(last.z, last.w));
    var t = vec4<f32>(1.0);
    var acc_r = vec4<f32>(0.0);
    var acc_g = vec4<f32>(0.0);
    var acc_b = vec4<f32>(0.0);
    for (var j = range.x; j < end; j++) {
      let rec = records[j];
      let dx = vec4<f32>(rec.xy_ab.x) - cx;
      let dy = rec.xy_ab.y - cy;
      let conic = vec3<f32>(rec.xy_ab.zw, rec.c_o_rg.x);
      let power = splat_power4(dx, dy, conic);
      let g_power = exp(power);
      let raw_alpha = rec.c_o_rg.y * g_power;
      let alpha = min(vec4<f32>(ALPHA_MAX), raw_alpha);
      // The forward blended exactly these: within the pixel's consumed entries, not skipped.
      let hit = (vec4<u32>(j - range.x + 1u) <= last) & (power <= vec4<f32>(0.0)) & (alpha >= vec4<f32>(ALPHA_MIN));
      if (!any(hit)) { continue; }
      let weight = select(vec4<f32>(0.0), alpha * t, hit);
      let c_r = acc_r + rec.c_o_rg.z * weight;
      let c_g = acc_g + rec.c_o_rg.w * weight;
      let c_b = acc_b + rec.b_slot.x * weight;
      let inv = 1.0 / (1.0 - alpha);
      let v_alpha = g_r * (rec.c_o_rg.z * t - (fin_r - c_r) * inv)
                  + g_g * (rec.c_o_rg.w * t - (fin_g - c_g) * inv)
                  + g_b * (rec.b_slot.x * t - (fin_b - c_b) * inv)
                  - final_t * inv * g_bg;
      let uncapped = hit & (raw_alpha <= vec4<f32>(ALPHA_MAX));
      let v_opacity = select(vec4<f32>(0.0), g_power * v_alpha, uncapped);
      let v_power = select(vec4<f32>(0.0), raw_alpha * v_alpha, uncapped);
      let one = vec4<f32>(1.0);
      let v_x = dot(-conic.x * dx - conic.y * dy, v_power);
      let v_y = dot(-conic.y * dx - conic.z * dy, v_power);
      let v_a = dot(-0.5 * dx * dx, v_power);
      let v_bb = dot(-dx * dy, v_power);
      let v_c = -0.5 * dy * dy * dot(v_power, one);
      let s = slot_of(j) * ISECT_COPIES + lane;
      var pg = v_isect[s];
      pg.xy_ab += vec4<f32>(v_x, v_y, v_a, v_bb);
      pg.c_o_rg += vec4<f32>(v_c, dot(v_opacity, one), dot(weight, g_r), dot(weight, g_g));
      pg.b.x += dot(weight, g_b);
      v_isect[s] = pg;
      acc_r = select(acc_r, c_r, hit);
      acc_g = select(acc_g, c_g, hit);
      acc_b = select(acc_b, c_b, hit);
      t = select(t, t * (1.0 - alpha), hit);
    }
  }
}
