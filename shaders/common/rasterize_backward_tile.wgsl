// Tile rasterizer backward, CPU-adapter shape, shared by rasterize_backward_tile.wgsl and
// rasterize_backward_tile_subgroup.wgsl: one workgroup of TILE_LANES = 4 invocations per 16x16 tile (one SIMD group on a CPU adapter); deterministic, no float atomics, no workgroup
// memory, no barriers, and in the list walk no branch but the skip of entries that miss the tile.
// (SwiftShader pays for a branch's merge and for every value a loop carries on every trip, more
// than for evaluating 16 rows masked; bench/README.md, fourteenth session.) (GPUs use
// rasterize_backward.wgsl, which sums a tile's partials across 32 threads through workgroup
// memory.)
//
// Invocation `lane` owns the tile's 4-pixel column block `lane`, all 16 rows at once: it holds the
// 16 row segments' state (vec4 lanes = 4 pixels) and walks the list once, front to back exactly as
// the forward did (common/blend.wgsl splat_power4, the same blend decisions). Per entry it sums
// each pixel's terms over the 16 rows (top to bottom, struct Lanes), then over the 4 pixels and
// through the entry's column factors once, into its part of the (splat, tile) partial, handed to
// the includer's store_partial once per entry (zero where it blended nothing): the includer
// either writes it as the lane's own copy, v_isect[slot * 4 + lane], which
// project_backward_reduce.wgsl adds in lane order, or sums the 4 parts with subgroupAdd and
// writes one copy. (Summing over the 4 pixels on every row took 1.19x the time of per-pixel sums,
// and per-pixel sums of dL/dpower beside those of dL/dopacity 1.19x again; bench/README.md,
// fourteenth session.) Every part comes in a fixed order and every copy has one writer:
// bit-identical from run to run.
// One pass over the list, not one per group of rows: the list's records are read once per
// invocation and no partial is read back to be added to. Against 4 passes of 4 rows on
// SwiftShader: 0.62x the time on buddha13, but 1.32x on a frame of large splats covering whole
// tiles (bench/README.md, "Training kernels on CPU adapters").
//
// Per (splat i, pixel) with g = dL/dpixel colour, T_i the transmittance in front of i and
// alpha = min(0.99, o exp(power)):
//   dL/dc_i     = alpha_i T_i g            (colour; the SH clamp mask is applied later)
//   dL/dalpha_i = T_i (g . c_i) - (D_i - alpha_i T_i (g . c_i)) / (1 - alpha_i)
// where D_i = g . (C - C_<i) + T_final (bg . g) = g . (what the pixel shows minus the colour in
// front of i): it starts at g . (rendered colour) and loses alpha_j T_j (g . c_j) at every blend.
// Nothing flows into the geometry or opacity where the cap was hit (decisions.md, gradients row).
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
// The includer declares binding 5, v_isect, and fn store_partial(slot: u32, lane: u32,
// g: ProjectedGrad), called by all TILE_LANES invocations together with their parts of the
// partial of emission slot `slot`.

// A tile's invocations (src/kernels/rasterize-backward.ts TILE_LANES): one SIMD group on a CPU
// adapter.
const TILE_LANES: u32 = 4u;

const LANES = vec4<f32>(0.0, 1.0, 2.0, 3.0);

// One 4-pixel row segment.
struct Seg {
  t: vec4<f32>,        // transmittance in front of the next entry
  d: vec4<f32>,        // D of the header, for the next entry
  g_r: vec4<f32>,      // dL/dpixel colour
  g_g: vec4<f32>,
  g_b: vec4<f32>,
  last: vec4<u32>,     // entries the forward consumed (0 past the image edge)
  cy: f32,             // pixel centre y
}

fn load_seg(px0: u32, py: u32) -> Seg {
  var s: Seg;
  s.t = vec4<f32>(1.0);
  s.cy = f32(py) + 0.5;
  let width = cam.image.x;
  if (py >= cam.image.y) { return s; }
  for (var k = 0u; k < 4u; k++) {
    if (px0 + k >= width) { break; }
    let idx = py * width + px0 + k;
    let g = v_image[idx].rgb;
    s.last[k] = pixel_state[idx].y;
    s.d[k] = dot(g, image[idx].rgb);
    s.g_r[k] = g.r; s.g_g[k] = g.g; s.g_b[k] = g.b;
  }
  return s;
}

// An entry's factors of its pixels' column offsets dx (mean x - pixel centre x, per lane), the
// same for all 16 rows: taken once per entry. a_dx2 and b_dx have the f32 operations (and order)
// of splat_power4's terms, so the power, and every blend decision, has the forward's bits.
struct Cols {
  a_dx2: vec4<f32>,   // conic A dx dx
  b_dx: vec4<f32>,    // conic B dx
  na_dx: vec4<f32>,   // -A dx
  nb_dx: vec4<f32>,   // -B dx
  h_dx2: vec4<f32>,   // -0.5 dx dx
  n_dx: vec4<f32>,    // -dx
}

// An entry's per-pixel sums over the 16 rows, reduced over the 4 pixels once per entry. With
// u = dL/dopacity of a pixel, dL/dpower = opacity u, and per pixel (dx, dy) from the mean:
// dL/dmean = -(A dx + B dy, B dx + C dy) dL/dpower, dL/dA = -dx^2/2, dL/dB = -dx dy and
// dL/dC = -dy^2/2 times dL/dpower, so the dy-weighted sums of u carry the rows' part.
struct Lanes {
  q: vec4<f32>,   // sum dy v_opacity
  r: vec4<f32>,   // sum dy dy v_opacity
  o: vec4<f32>,   // sum v_opacity
  wr: vec4<f32>,  // sum weight g_r
  wg: vec4<f32>,
  wb: vec4<f32>,
}

fn entry_cols(dx: vec4<f32>, conic: vec3<f32>) -> Cols {
  return Cols(conic.x * dx * dx, conic.y * dx, -conic.x * dx, -conic.y * dx, -0.5 * dx * dx, -dx);
}

// One entry over one segment: adds its pixels' terms (zeros where nothing blended) to `acc`.
fn seg_entry(s: ptr<function, Seg>, acc: ptr<function, Lanes>, rec: TileRecord, cols: Cols, entry: u32) {
  let dy = rec.xy_ab.y - (*s).cy;
  // No test of the row against the splat's y extent: a row outside it has alpha < 1/255 and adds
  // zeros through the selects below, and the branch cost more than the row (0.83x without it).
  let conic = vec3<f32>(rec.xy_ab.zw, rec.c_o_rg.x);
  // splat_power4(dx, dy, conic) with its dx terms from `cols`.
  let power = -0.5 * (cols.a_dx2 + conic.z * dy * dy) - cols.b_dx * dy;
  let g_power = exp(power);
  let raw_alpha = rec.c_o_rg.y * g_power;
  let alpha = min(vec4<f32>(ALPHA_MAX), raw_alpha);
  // The forward blended exactly these: within the pixel's consumed entries, not skipped.
  // No early return when none is hit: the selects below make a missed pixel add zeros and leave
  // its state unchanged.
  let hit = (vec4<u32>(entry) <= (*s).last) & (power <= vec4<f32>(0.0)) & (alpha >= vec4<f32>(ALPHA_MIN));
  let t = (*s).t;
  let g_r = (*s).g_r;
  let g_g = (*s).g_g;
  let g_b = (*s).g_b;
  let weight = select(vec4<f32>(0.0), alpha * t, hit);
  let g_c = g_r * rec.c_o_rg.z + g_g * rec.c_o_rg.w + g_b * rec.b_slot.x;
  let w_gc = weight * g_c;
  let keep = 1.0 - alpha;
  let d_next = (*s).d - w_gc;  // D for the next entry (computed once: no CSE on SwiftShader)
  let v_alpha = t * g_c - d_next / keep;
  let uncapped = hit & (raw_alpha <= vec4<f32>(ALPHA_MAX));
  // dL/dopacity; dL/dpower is opacity times it, applied once per entry.
  let v_opacity = select(vec4<f32>(0.0), g_power * v_alpha, uncapped);
  (*acc).o += v_opacity;
  (*acc).q += dy * v_opacity;
  (*acc).r += (dy * dy) * v_opacity;
  (*acc).wr += weight * g_r;
  (*acc).wg += weight * g_g;
  (*acc).wb += weight * g_b;
  (*s).d = d_next;
  (*s).t = select(t, t * keep, hit);
}

@compute @workgroup_size(TILE_LANES)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lane: u32) {
  let tiles_x = cam.image.z;
  let tile = wg.y * nwg.x + wg.x;
  if (tile >= tiles_x * cam.image.w) { return; }
  let range = ranges[tile];
  let zero = ProjectedGrad(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
  let tx0 = (tile % tiles_x) * TILE_SIZE;
  let px0 = tx0 + lane * 4u;
  let ty0 = (tile / tiles_x) * TILE_SIZE;
  // Rows past the image bottom (or a block past its right edge) consumed no entries.
  var segs: array<Seg, TILE_SIZE>;
  if (px0 < cam.image.x) {
    for (var r = 0u; r < TILE_SIZE; r++) {
      segs[r] = load_seg(px0, ty0 + r);
    }
  }
  let dx = vec4<f32>(0.0) - (f32(px0) + 0.5 + LANES);  // + mean x per entry
  // The tile's rows span pixel centres [y_lo, y_hi].
  let y_lo = f32(ty0) + 0.5;
  let y_hi = y_lo + f32(TILE_SIZE - 1u);
  let x_lo = f32(tx0) + 0.5;  // and columns [x_lo, x_hi]
  let x_hi = x_lo + f32(TILE_SIZE - 1u);
  var j = range.x;
  loop {
    // Entries whose alpha box (common/tile_record.wgsl) misses the tile blended no pixel of it:
    // they get zero partials in a loop that carries only j (0.83x the time against a branch in
    // the entry loop). The test is the tile's, the same for the SIMD group's 4 invocations.
    loop {
      if (j >= range.y) { break; }
      let xy = records[j].xy_ab.xy;
      let ext = records[j].b_slot.zw;
      if (!(xy.x - x_hi > ext.x || xy.x - x_lo < -ext.x || xy.y + ext.y < y_lo || xy.y - ext.y > y_hi)) { break; }
      store_partial(bitcast<u32>(records[j].b_slot.y), lane, zero);
      j++;
    }
    if (j >= range.y) { break; }
    let rec = records[j];
    var acc = Lanes(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
    let entry = j - range.x + 1u;
    let cols = entry_cols(dx + rec.xy_ab.x, vec3<f32>(rec.xy_ab.zw, rec.c_o_rg.x));
    seg_entry(&segs[0], &acc, rec, cols, entry);
    seg_entry(&segs[1], &acc, rec, cols, entry);
    seg_entry(&segs[2], &acc, rec, cols, entry);
    seg_entry(&segs[3], &acc, rec, cols, entry);
    seg_entry(&segs[4], &acc, rec, cols, entry);
    seg_entry(&segs[5], &acc, rec, cols, entry);
    seg_entry(&segs[6], &acc, rec, cols, entry);
    seg_entry(&segs[7], &acc, rec, cols, entry);
    seg_entry(&segs[8], &acc, rec, cols, entry);
    seg_entry(&segs[9], &acc, rec, cols, entry);
    seg_entry(&segs[10], &acc, rec, cols, entry);
    seg_entry(&segs[11], &acc, rec, cols, entry);
    seg_entry(&segs[12], &acc, rec, cols, entry);
    seg_entry(&segs[13], &acc, rec, cols, entry);
    seg_entry(&segs[14], &acc, rec, cols, entry);
    seg_entry(&segs[15], &acc, rec, cols, entry);
    let one = vec4<f32>(1.0);
    let o = rec.c_o_rg.y;
    let so = dot(acc.o, one);
    let sq = o * dot(acc.q, one);
    let p = o * acc.o;
    let out = ProjectedGrad(
      vec4<f32>(dot(cols.na_dx, p) - rec.xy_ab.w * sq, dot(cols.nb_dx, p) - rec.c_o_rg.x * sq, dot(cols.h_dx2, p), o * dot(cols.n_dx, acc.q)),
      vec4<f32>(-0.5 * o * dot(acc.r, one), so, dot(acc.wr, one), dot(acc.wg, one)),
      vec4<f32>(dot(acc.wb, one), 0.0, 0.0, 0.0));
    store_partial(bitcast<u32>(rec.b_slot.y), lane, out);
    j++;
  }
}
