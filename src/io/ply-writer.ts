/**
 * Writer for the INRIA 3DGS `.ply` layout, byte-compatible with what the reference `save_ply`
 * produces: one `vertex` element, every property float32, binary little endian, in the order
 * x y z nx ny nz f_dc_0..2 f_rest_* opacity scale_0..2 rot_0..3, normals zero, f_rest
 * channel-major. Every 3DGS tool reads this layout.
 */
import { type SplatScene, shCoeffCount } from './scene';

/** Property names of the INRIA layout for SH degree `shDegree`, in file order. */
export function inriaPlyPropertyNames(shDegree: number): string[] {
  const rest = 3 * (shCoeffCount(shDegree) - 1);
  return [
    'x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2',
    ...Array.from({ length: rest }, (_, i) => `f_rest_${i}`),
    'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3',
  ];
}

function checkScene(scene: SplatScene): void {
  const { count: n, shDegree } = scene;
  if (!Number.isInteger(n) || n < 0) throw new Error(`writePly: invalid splat count ${n}`);
  if (!Number.isInteger(shDegree) || shDegree < 0 || shDegree > 3) throw new Error(`writePly: SH degree ${shDegree} is not 0..3`);
  const expect: [string, Float32Array, number][] = [
    ['means', scene.means, n * 3],
    ['logScales', scene.logScales, n * 3],
    ['quats', scene.quats, n * 4],
    ['opacityLogits', scene.opacityLogits, n],
    ['sh', scene.sh, n * shCoeffCount(shDegree) * 3],
  ];
  for (const [name, arr, len] of expect) {
    if (arr.length !== len) throw new Error(`writePly: ${name} has ${arr.length} values, expected ${len} for ${n} splats of SH degree ${shDegree}`);
  }
}

/** The header comments marking an antialiased scene and the size of its 2D filter (when not the default). */
function antialiasComments(scene: SplatScene): string {
  if (!scene.antialiased) return '';
  return `comment antialiased 1\n${scene.filter2d === undefined ? '' : `comment filter2d ${scene.filter2d}\n`}`;
}

/** Serialises `scene` as an INRIA `.ply` (binary little endian, float32). */
export function writePly(scene: SplatScene): Uint8Array {
  checkScene(scene);
  const n = scene.count;
  const k = shCoeffCount(scene.shDegree);
  const names = inriaPlyPropertyNames(scene.shDegree);
  const header =
    `ply\nformat binary_little_endian 1.0\n${antialiasComments(scene)}element vertex ${n}\n` +
    names.map((p) => `property float ${p}\n`).join('') +
    'end_header\n';
  const headerBytes = new TextEncoder().encode(header);
  const stride = names.length;
  const restBase = 9;
  const perChannel = k - 1;
  const tail = restBase + 3 * perChannel;

  const rows = new Float32Array(n * stride);
  const { means, logScales, quats, opacityLogits, sh } = scene;
  for (let i = 0; i < n; i++) {
    const r = i * stride;
    const s = i * k * 3;
    rows[r] = means[i * 3];
    rows[r + 1] = means[i * 3 + 1];
    rows[r + 2] = means[i * 3 + 2];
    // r + 3..5: normals stay zero, as the reference writes them.
    rows[r + 6] = sh[s];
    rows[r + 7] = sh[s + 1];
    rows[r + 8] = sh[s + 2];
    // Scene SH is [K, 3] coefficient-major; the file wants f_rest_{c*(K-1) + (k-1)}.
    for (let c = 0; c < 3; c++) {
      for (let j = 1; j < k; j++) rows[r + restBase + c * perChannel + (j - 1)] = sh[s + j * 3 + c];
    }
    rows[r + tail] = opacityLogits[i];
    rows[r + tail + 1] = logScales[i * 3];
    rows[r + tail + 2] = logScales[i * 3 + 1];
    rows[r + tail + 3] = logScales[i * 3 + 2];
    rows[r + tail + 4] = quats[i * 4];
    rows[r + tail + 5] = quats[i * 4 + 1];
    rows[r + tail + 6] = quats[i * 4 + 2];
    rows[r + tail + 7] = quats[i * 4 + 3];
  }

  const out = new Uint8Array(headerBytes.length + rows.byteLength);
  out.set(headerBytes, 0);
  const data = new Uint8Array(rows.buffer);
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    // Big-endian host: the typed array holds big-endian floats, the file wants little endian.
    for (let i = 0; i < data.length; i += 4) {
      let t = data[i]; data[i] = data[i + 3]; data[i + 3] = t;
      t = data[i + 1]; data[i + 1] = data[i + 2]; data[i + 2] = t;
    }
  }
  out.set(data, headerBytes.length);
  return out;
}
