// Include (no entry point) shared by the densify_* kernels: the per-splat action word that
// densify_classify writes, densify_cap finalises and densify_split reads, so all three decode it
// the same way. Bits 0-1: the kind; bit 2: the row survives the prune as it is; bit 3: its new
// rows (the clone's copy, or the split's children) survive the prune.

const ACTION_NONE: u32 = 0u;
const ACTION_CLONE: u32 = 1u;
const ACTION_SPLIT: u32 = 2u;
const ACTION_KIND_MASK: u32 = 3u;
const ACTION_KEEP_SELF: u32 = 4u;
const ACTION_KEEP_NEW: u32 = 8u;

fn action_kind(a: u32) -> u32 { return a & ACTION_KIND_MASK; }
fn action_keeps_self(a: u32) -> u32 { return select(0u, 1u, (a & ACTION_KEEP_SELF) != 0u); }

// Rows this splat leaves after densification and prune: (original row, new rows).
fn action_rows(a: u32, children: u32) -> vec2<u32> {
  let kind = action_kind(a);
  let keep_new = (a & ACTION_KEEP_NEW) != 0u;
  var new_rows = 0u;
  if (kind == ACTION_CLONE && keep_new) { new_rows = 1u; }
  if (kind == ACTION_SPLIT && keep_new) { new_rows = children; }
  let self_rows = select(action_keeps_self(a), 0u, kind == ACTION_SPLIT);
  return vec2<u32>(self_rows, new_rows);
}

// Rows gained over doing nothing (>= 0: a split's children are smaller than the parent, so they
// survive whenever the parent would).
fn action_growth(a: u32, children: u32) -> u32 {
  let r = action_rows(a, children);
  return r.x + r.y - action_keeps_self(a);
}
