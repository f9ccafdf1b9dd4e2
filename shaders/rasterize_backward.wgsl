// Tile rasterizer backward, GPU shape: one workgroup of 32 threads per 16x16 tile; deterministic,
// no float atomics. (CPU adapters use rasterize_backward_tile.wgsl: one invocation per tile, no
// workgroup memory; the two sum in different fixed orders.)
//
// Scheme: every thread owns 8 pixels of the tile (pixels li, li + 32, ...) and keeps their
// blending state (colour accumulated in front, transmittance) in registers. The tile's splats are
// staged through workgroup memory in batches of 32 and visited front to back, exactly as the
// forward did, so each pixel's state before splat i is the forward's T_i. For every sub-batch of
// 8 splats a thread sums its pixels' partial gradients per splat (in its fixed pixel order) and
// parks the 9 sums in workgroup memory; after a barrier the 72 (splat, component) totals are
// formed by summing the 32 threads' values in thread order and written to the intersection's
// emission slot. Every sum has a fixed order, so gradients are bit-identical from run to run;
// project_backward_reduce.wgsl then totals each splat's slots, also in a fixed order.
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
@group(1) @binding(5) var<storage, read_write> v_isect: array<ProjectedGrad>; // [capacity] partials by slot

// Components of a partial summed here: v_xy (2), v_conic A, B (full), C (3), v_opacity, v_rgb (3),
// stored in ProjectedGrad order (xy_ab, c_o_rg, b.x).
const ISECT_GRAD_STRIDE: u32 = 9u;
const THREADS: u32 = 32u;
const PIX_PER_THREAD: u32 = 8u;  // TILE_PIXELS / THREADS
const SUB: u32 = 8u;             // splats per reduction round
const PARTIALS: u32 = 72u;       // SUB * ISECT_GRAD_STRIDE

var<workgroup> batch_xy_ab: array<vec4<f32>, THREADS>;   // x, y, conic A, conic B
var<workgroup> batch_c_o_rg: array<vec4<f32>, THREADS>;  // conic C, opacity, r, g
var<workgroup> batch_b: array<f32, THREADS>;             // blue
var<workgroup> batch_slot: array<u32, THREADS>;
var<workgroup> partials: array<f32, 2304>;               // [PARTIALS, THREADS]
var<workgroup> range_shared: vec2<u32>;

@compute @workgroup_size(THREADS)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let width = cam.image.x;
  let height = cam.image.y;
  let tile = wg.y * cam.image.z + wg.x;
  let bg = cam.background.rgb;

  var acc: array<vec4<f32>, PIX_PER_THREAD>;   // colour in front of the next splat, T
  var grad: array<vec4<f32>, PIX_PER_THREAD>;  // dL/dcolour, bg . dL/dcolour
  var fin: array<vec4<f32>, PIX_PER_THREAD>;   // foreground colour, final T
  var last: array<u32, PIX_PER_THREAD>;        // range entries the pixel consumed
  var centre: array<vec2<f32>, PIX_PER_THREAD>;
  for (var p = 0u; p < PIX_PER_THREAD; p++) {
    let q = li + p * THREADS;
    let px = wg.x * TILE_SIZE + q % TILE_SIZE;
    let py = wg.y * TILE_SIZE + q / TILE_SIZE;
    centre[p] = vec2<f32>(f32(px) + 0.5, f32(py) + 0.5);
    acc[p] = vec4<f32>(0.0, 0.0, 0.0, 1.0);
    grad[p] = vec4<f32>(0.0);
    fin[p] = vec4<f32>(0.0, 0.0, 0.0, 1.0);
    last[p] = 0u;
    if (px < width && py < height) {
      let idx = py * width + px;
      let st = pixel_state[idx];
      let final_t = bitcast<f32>(st.x);
      let g = v_image[idx].rgb;
      last[p] = st.y;
      grad[p] = vec4<f32>(g, dot(bg, g));
      fin[p] = vec4<f32>(image[idx].rgb - final_t * bg, final_t);
    }
  }
  if (li == 0u) { range_shared = ranges[tile]; }
  let range = workgroupUniformLoad(&range_shared);
  let n = range.y - range.x;
  let batches = (n + THREADS - 1u) / THREADS;

  for (var b = 0u; b < batches; b++) {
    let batch_count = min(THREADS, n - b * THREADS);
    if (li < batch_count) {
      let rec = records[range.x + b * THREADS + li];
      batch_xy_ab[li] = rec.xy_ab;
      batch_c_o_rg[li] = rec.c_o_rg;
      batch_b[li] = rec.b_slot.x;
      batch_slot[li] = bitcast<u32>(rec.b_slot.y);
    }
    workgroupBarrier();

    let rounds = (batch_count + SUB - 1u) / SUB;
    for (var r = 0u; r < rounds; r++) {
      for (var kk = 0u; kk < SUB; kk++) {
        let k = r * SUB + kk;
        var v = array<f32, 9>();
        if (k < batch_count) {
          let entry = b * THREADS + k + 1u; // 1-based position in the range, as pixel_state counts
          let xy_ab = batch_xy_ab[k];
          let c_o_rg = batch_c_o_rg[k];
          let conic = vec3<f32>(xy_ab.zw, c_o_rg.x);
          let opacity = c_o_rg.y;
          let rgb = vec3<f32>(c_o_rg.zw, batch_b[k]);
          for (var p = 0u; p < PIX_PER_THREAD; p++) {
            if (entry > last[p]) { continue; }
            let d = xy_ab.xy - centre[p];
            let alpha = splat_alpha(d, conic, opacity);
            if (alpha < ALPHA_MIN) { continue; }
            let t = acc[p].w;
            let gr = grad[p];
            let weight = alpha * t;
            v[6] += weight * gr.x;
            v[7] += weight * gr.y;
            v[8] += weight * gr.z;
            let c_incl = acc[p].xyz + rgb * weight;
            let g_power = exp(splat_power(d, conic));
            let raw_alpha = opacity * g_power;
            if (raw_alpha <= ALPHA_MAX) {
              let inv = 1.0 / (1.0 - alpha);
              let v_alpha = dot(gr.xyz, rgb * t - (fin[p].xyz - c_incl) * inv) - fin[p].w * inv * gr.w;
              v[5] += g_power * v_alpha;
              let v_power = raw_alpha * v_alpha;
              v[0] += (-conic.x * d.x - conic.y * d.y) * v_power;
              v[1] += (-conic.y * d.x - conic.z * d.y) * v_power;
              v[2] += -0.5 * d.x * d.x * v_power;
              v[3] += -d.x * d.y * v_power;
              v[4] += -0.5 * d.y * d.y * v_power;
            }
            acc[p] = vec4<f32>(c_incl, t * (1.0 - alpha));
          }
        }
        for (var c = 0u; c < ISECT_GRAD_STRIDE; c++) {
          partials[(kk * ISECT_GRAD_STRIDE + c) * THREADS + li] = v[c];
        }
      }
      workgroupBarrier();
      for (var e = li; e < PARTIALS; e += THREADS) {
        let k = r * SUB + e / ISECT_GRAD_STRIDE;
        if (k < batch_count) {
          var sum = 0.0;
          for (var tt = 0u; tt < THREADS; tt++) { sum += partials[e * THREADS + tt]; }
          let c = e % ISECT_GRAD_STRIDE;
          let s = batch_slot[k];
          if (c < 4u) {
            v_isect[s].xy_ab[c] = sum;
          } else if (c < 8u) {
            v_isect[s].c_o_rg[c - 4u] = sum;
          } else {
            v_isect[s].b = vec4<f32>(sum, 0.0, 0.0, 0.0);
          }
        }
      }
      workgroupBarrier();
    }
  }
}
