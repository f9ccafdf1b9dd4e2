// Tile rasterizer backward: one workgroup per 16x16 tile; deterministic, no float atomics.
//
// Scheme: thread k of the workgroup owns splat k of the current batch of the tile's range and
// accumulates that splat's partial gradients over the tile's 256 pixels in registers. Pixel rows
// are visited with diagonal scheduling: at step s thread k handles row s - k, so splat k reaches a
// pixel exactly one step after splat k - 1 did. The per-pixel blending state (colour accumulated
// in front, transmittance) lives in workgroup memory and is advanced front to back by each splat
// in depth order, reproducing the forward's T_i for every (splat, pixel) pair. Each thread then
// writes its 9 partial sums to the intersection's emission slot. Every sum is taken in a fixed
// order (pixels in row-major order within the tile), so gradients are bit-identical from run to run; the
// per-splat totals are formed by project_backward_reduce.wgsl, also in a fixed order.
//
// Per (splat i, pixel) with g = dL/dpixel colour, T_i the transmittance in front of i, C_final
// the foreground colour, C_<=i the colour accumulated through i and T_final the pixel's final T:
//   dL/dc_i     = alpha_i T_i g            (colour; the SH clamp mask is applied later)
//   dL/dalpha_i = g . (c_i T_i - (C_final - C_<=i) / (1 - alpha_i)) - T_final / (1 - alpha_i) (bg . g)
// and through alpha = min(0.99, o exp(power)): nothing flows into the geometry or opacity where
// the cap was hit (decisions.md, gradients row).
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> ranges: array<vec2<u32>>;           // [tiles] start, end
@group(1) @binding(1) var<storage, read> sorted_slots: array<u32>;           // [count] emission slot, tile-sorted
@group(1) @binding(2) var<storage, read> isect_splats: array<u32>;           // [capacity] splat index by slot
@group(1) @binding(3) var<storage, read> projected: array<ProjectedSplat>;   // [N]
@group(1) @binding(4) var<storage, read> image: array<vec4<f32>>;            // [H, W] rgba forward output
@group(1) @binding(5) var<storage, read> pixel_state: array<vec2<u32>>;      // [H, W] final T bits, entries used
@group(1) @binding(6) var<storage, read> v_image: array<vec4<f32>>;          // [H, W] dL/d rgba (alpha ignored)
// [capacity, 9] per (splat, tile) partials by slot: v_xy (2), v_conic A, B (full), C (3), v_opacity, v_rgb (3)
@group(1) @binding(7) var<storage, read_write> v_isect: array<f32>;

const ISECT_GRAD_STRIDE: u32 = 9u;

var<workgroup> pix_acc: array<vec4<f32>, TILE_PIXELS>;   // colour in front of the next splat, T
var<workgroup> pix_grad: array<vec4<f32>, TILE_PIXELS>;  // dL/dcolour, bg . dL/dcolour
var<workgroup> pix_final: array<vec4<f32>, TILE_PIXELS>; // foreground colour, final T
var<workgroup> pix_last: array<u32, TILE_PIXELS>;        // entries of the range consumed by the pixel
var<workgroup> range_shared: vec2<u32>;

@compute @workgroup_size(TILE_PIXELS)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let width = cam.image.x;
  let height = cam.image.y;
  let tile = wg.y * cam.image.z + wg.x;
  let bg = cam.background.rgb;

  // Phase 1: thread li loads pixel li of the tile.
  {
    let px = wg.x * TILE_SIZE + li % TILE_SIZE;
    let py = wg.y * TILE_SIZE + li / TILE_SIZE;
    var last = 0u;
    var g = vec3<f32>(0.0);
    var final_t = 1.0;
    var fg = vec3<f32>(0.0);
    if (px < width && py < height) {
      let idx = py * width + px;
      let st = pixel_state[idx];
      final_t = bitcast<f32>(st.x);
      last = st.y;
      g = v_image[idx].rgb;
      fg = image[idx].rgb - final_t * bg;
    }
    pix_acc[li] = vec4<f32>(0.0, 0.0, 0.0, 1.0);
    pix_grad[li] = vec4<f32>(g, dot(bg, g));
    pix_final[li] = vec4<f32>(fg, final_t);
    pix_last[li] = last;
    if (li == 0u) { range_shared = ranges[tile]; }
  }
  let range = workgroupUniformLoad(&range_shared);
  let n = range.y - range.x;
  let batches = (n + TILE_PIXELS - 1u) / TILE_PIXELS;

  for (var b = 0u; b < batches; b++) {
    let batch_count = min(TILE_PIXELS, n - b * TILE_PIXELS);
    let j = range.x + b * TILE_PIXELS + li;
    let has = li < batch_count;
    let entry = b * TILE_PIXELS + li + 1u; // 1-based position in the range, as pixel_state counts
    var p: ProjectedSplat;
    var slot = 0u;
    if (has) {
      slot = sorted_slots[j];
      p = projected[isect_splats[slot]];
    }
    var v_xy = vec2<f32>(0.0);
    var v_conic = vec3<f32>(0.0);
    var v_opacity = 0.0;
    var v_rgb = vec3<f32>(0.0);

    // Diagonal scheduling by pixel rows: at step s thread k blends its splat into row s - k,
    // so the per-pixel state is advanced by the splats in depth order, with TILE_SIZE +
    // batch_count - 1 barriers per batch.
    let steps = TILE_SIZE + batch_count - 1u;
    for (var s = 0u; s < steps; s++) {
      let row = s - li; // wraps to a huge value while s < li
      if (has && row < TILE_SIZE) {
        for (var col = 0u; col < TILE_SIZE; col++) {
          let q = row * TILE_SIZE + col;
          if (entry > pix_last[q]) { continue; }
          let pix = vec2<f32>(f32(wg.x * TILE_SIZE + col) + 0.5, f32(wg.y * TILE_SIZE + row) + 0.5);
          let d = p.xy - pix;
          let alpha = splat_alpha(d, p.conic, p.opacity);
          if (alpha < ALPHA_MIN) { continue; }
          let acc = pix_acc[q];
          let t = acc.w;
          let gr = pix_grad[q];
          let fin = pix_final[q];
          let weight = alpha * t;
          v_rgb += weight * gr.xyz;
          let c_incl = acc.xyz + p.rgb * weight;
          let g_power = exp(splat_power(d, p.conic));
          let raw_alpha = p.opacity * g_power;
          if (raw_alpha <= ALPHA_MAX) {
            let inv = 1.0 / (1.0 - alpha);
            let v_alpha = dot(gr.xyz, p.rgb * t - (fin.xyz - c_incl) * inv) - fin.w * inv * gr.w;
            v_opacity += g_power * v_alpha;
            let v_power = raw_alpha * v_alpha;
            v_conic += vec3<f32>(-0.5 * d.x * d.x, -d.x * d.y, -0.5 * d.y * d.y) * v_power;
            v_xy += vec2<f32>(-p.conic.x * d.x - p.conic.y * d.y, -p.conic.y * d.x - p.conic.z * d.y) * v_power;
          }
          pix_acc[q] = vec4<f32>(c_incl, t * (1.0 - alpha));
        }
      }
      workgroupBarrier();
    }

    if (has) {
      let o = slot * ISECT_GRAD_STRIDE;
      v_isect[o] = v_xy.x;
      v_isect[o + 1u] = v_xy.y;
      v_isect[o + 2u] = v_conic.x;
      v_isect[o + 3u] = v_conic.y;
      v_isect[o + 4u] = v_conic.z;
      v_isect[o + 5u] = v_opacity;
      v_isect[o + 6u] = v_rgb.x;
      v_isect[o + 7u] = v_rgb.y;
      v_isect[o + 8u] = v_rgb.z;
    }
  }
}
