// Workgroup-level exclusive scan shared by the prefix-sum kernels (which the radix sort also uses
// to scan its digit histograms). One workgroup of SCAN_WG invocations scans a tile of SCAN_BLOCK
// u32 held in workgroup memory; each invocation owns SCAN_EPT consecutive elements.
// Integer sums only, so every result is exact and independent of scheduling (deterministic).

const SCAN_WG: u32 = 256u;
const SCAN_EPT: u32 = 8u;
const SCAN_BLOCK: u32 = 2048u;

// [SCAN_BLOCK + SCAN_BLOCK / 32] u32, logical element i at scan_pad(i): the padding spreads the
// stride-SCAN_EPT per-invocation reads over all 32 memory banks.
var<workgroup> scan_tile: array<u32, 2112>;
// [SCAN_WG] u32 per-invocation partial sums, scanned across the workgroup.
var<workgroup> scan_sums: array<u32, SCAN_WG>;

fn scan_pad(i: u32) -> u32 {
  return i + (i >> 5u);
}

// Work-group id of a 1-D chunk dispatched as a 2-D grid (src/gpu/dispatch.ts, or the indirect
// arguments the radix sort writes with the same rule).
fn scan_chunk_id(wg: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wg.y * nwg.x + wg.x;
}

// Logical element access to scan_tile. Kernels fill the tile themselves (coalesced: element
// j * SCAN_WG + t from invocation t), since WGSL cannot pass a storage buffer to a function.
fn scan_tile_store(i: u32, v: u32) {
  scan_tile[scan_pad(i)] = v;
}

fn scan_tile_load(i: u32) -> u32 {
  return scan_tile[scan_pad(i)];
}

// Inclusive Hillis-Steele scan of one u32 per invocation over the workgroup; returns
// (inclusive prefix of invocation t, workgroup total). Must be called in uniform control flow.
fn scan_workgroup(t: u32, own: u32) -> vec2<u32> {
  var acc = own;
  scan_sums[t] = acc;
  for (var off = 1u; off < SCAN_WG; off = off << 1u) {
    workgroupBarrier();
    if (t >= off) {
      acc = acc + scan_sums[t - off];
    }
    workgroupBarrier();
    scan_sums[t] = acc;
  }
  workgroupBarrier();
  return vec2<u32>(acc, scan_sums[SCAN_WG - 1u]);
}

// Replaces scan_tile (already filled, and a barrier issued after the writes) by its exclusive
// scan and returns the tile total. Ends with a barrier, so the caller may read the tile at once;
// the caller must barrier again before refilling it.
fn scan_tile_exclusive(t: u32) -> u32 {
  let first = t * SCAN_EPT;
  var own = 0u;
  for (var k = 0u; k < SCAN_EPT; k = k + 1u) {
    own = own + scan_tile_load(first + k);
  }
  let r = scan_workgroup(t, own);
  var run = r.x - own;
  for (var k = 0u; k < SCAN_EPT; k = k + 1u) {
    let v = scan_tile_load(first + k);
    scan_tile_store(first + k, run);
    run = run + v;
  }
  workgroupBarrier();
  return r.y;
}
