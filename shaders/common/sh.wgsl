// Real spherical harmonics up to degree 3 (constants and basis of the INRIA reference,
// ../shared/docs/3dgs-reference.md §2.5). `d` is the unit view direction from the camera centre
// to the splat. Writes the basis values Y_0..Y_15; only the first (degree + 1)^2 are meaningful.
const SH_C0: f32 = 0.28209479177387814;
const SH_C1: f32 = 0.4886025119029199;
const SH_C2_0: f32 = 1.0925484305920792;
const SH_C2_1: f32 = -1.0925484305920792;
const SH_C2_2: f32 = 0.31539156525252005;
const SH_C2_3: f32 = -1.0925484305920792;
const SH_C2_4: f32 = 0.5462742152960396;
const SH_C3_0: f32 = -0.5900435899266435;
const SH_C3_1: f32 = 2.890611442640554;
const SH_C3_2: f32 = -0.4570457994644658;
const SH_C3_3: f32 = 0.3731763325901154;
const SH_C3_4: f32 = -0.4570457994644658;
const SH_C3_5: f32 = 1.445305721320277;
const SH_C3_6: f32 = -0.5900435899266435;

// The SH degree a pipeline is built for, 0-3; SH_DEGREE_ANY (4, the default) takes the camera's
// active degree at run time. Built for one degree, a kernel holds no code for the bands above it:
// a software adapter pays for code that no lane runs (src/gpu/kernel-shapes.ts), so the training
// path builds a pipeline per degree (at degree 0 on SwiftShader: the projection 0.58x its time,
// the SH backward 0.71x).
const SH_DEGREE_ANY: u32 = 4u;
override SH_DEGREE: u32 = SH_DEGREE_ANY;

// The active degree: the pipeline's when built for one, else `runtime` (the camera's).
fn active_sh_degree(runtime: u32) -> u32 {
  return select(runtime, SH_DEGREE, SH_DEGREE < SH_DEGREE_ANY);
}

fn sh_basis(d: vec3<f32>, degree: u32) -> array<f32, 16> {
  var y: array<f32, 16>;
  y[0] = SH_C0;
  if (degree == 0u) { return y; }
  let x = d.x; let yy = d.y; let z = d.z;
  y[1] = -SH_C1 * yy;
  y[2] = SH_C1 * z;
  y[3] = -SH_C1 * x;
  if (degree == 1u) { return y; }
  let xx = x * x; let y2 = yy * yy; let zz = z * z;
  y[4] = SH_C2_0 * x * yy;
  y[5] = SH_C2_1 * yy * z;
  y[6] = SH_C2_2 * (2.0 * zz - xx - y2);
  y[7] = SH_C2_3 * x * z;
  y[8] = SH_C2_4 * (xx - y2);
  if (degree == 2u) { return y; }
  y[9] = SH_C3_0 * yy * (3.0 * xx - y2);
  y[10] = SH_C3_1 * x * yy * z;
  y[11] = SH_C3_2 * yy * (4.0 * zz - xx - y2);
  y[12] = SH_C3_3 * z * (2.0 * zz - 3.0 * xx - 3.0 * y2);
  y[13] = SH_C3_4 * x * (4.0 * zz - xx - y2);
  y[14] = SH_C3_5 * z * (xx - y2);
  y[15] = SH_C3_6 * x * (xx - 3.0 * y2);
  return y;
}
