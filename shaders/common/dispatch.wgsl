// Linear index of an invocation in a 2-D grid of 1-D workgroups (see src/gpu/dispatch.ts).
fn linear_index(wg: vec3<u32>, nwg: vec3<u32>, local: u32, wg_size: u32) -> u32 {
  return (wg.y * nwg.x + wg.x) * wg_size + local;
}
