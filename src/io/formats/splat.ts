/**
 * antimatter15 `.splat`: no header, 32 bytes per splat, little-endian:
 *   [0, 12)  f32 x3 position
 *   [12, 24) f32 x3 linear scale (exp of the INRIA log-scale)
 *   [24, 28) u8 x4 RGBA: rgb = 0.5 + SH_C0 * f_dc, a = sigmoid(opacity), both scaled to 0..255
 *   [28, 32) u8 x4 rotation w, x, y, z of the normalised quaternion, byte = q * 128 + 128
 * Axes are stored exactly as in the INRIA `.ply` (antimatter15's convert.py copies them), so no
 * flip. SH beyond the DC term is not representable and is dropped by the writer.
 */
import { type LoadedScene, type SplatScene, SceneFormatError, SH_C0, emptyScene, shCoeffCount } from '../scene';

export const SPLAT_BYTES_PER_SPLAT = 32;
const FORMAT = 'splat';

/**
 * Opacities of exactly 0 or 1 (byte 0 or 255) would give infinite logits; clamping the
 * probability keeps them finite while sigmoid still rounds back to the same byte.
 */
const OPACITY_EPS = 1e-6;

/** f_dc from an 8-bit colour channel (the .splat / .ksplat colour convention). */
export function dcFromByte(b: number): number {
  return (b / 255 - 0.5) / SH_C0;
}

/** Opacity logit from a probability, clamped to [1e-6, 1 - 1e-6] so it stays finite. */
export function logitFromUnit(p: number): number {
  const q = Math.min(1 - OPACITY_EPS, Math.max(OPACITY_EPS, p));
  return Math.log(q / (1 - q));
}

/** 8-bit colour channel from f_dc, rounded to nearest (convert.py truncates; rounding halves the error). */
export function byteFromDc(dc: number): number {
  return clampByte(Math.round((0.5 + SH_C0 * dc) * 255));
}

/** 8-bit opacity from a logit. */
export function byteFromLogit(logit: number): number {
  return clampByte(Math.round(255 / (1 + Math.exp(-logit))));
}

function clampByte(v: number): number {
  // NaN fails both comparisons and would become 0 in a Uint8Array; make that explicit.
  if (!(v > 0)) return 0;
  return v > 255 ? 255 : v;
}

/** Records sampled by `splatPlausibility` (evenly spread, so a large file costs no more). */
const PLAUSIBILITY_SAMPLES = 4096;
/** Larger coordinates or scales than any captured scene uses: such a record is not a splat. */
const PLAUSIBLE_MAX = 1e7;
/** Smaller positive scales are denormal-range noise, not a splat. */
const PLAUSIBLE_MIN_SCALE = 1e-30;
/**
 * A byte rotation encodes a unit quaternion: |q|^2 within this range allows for each writer's
 * rounding or truncation (at most 1/128 per component), or all four bytes 128 (no rotation).
 */
const QUAT_NORM2_RANGE = [0.7, 1.35] as const;
/** `looksLikeSplat` accepts a file when at least this fraction of sampled records is plausible. */
export const SPLAT_PLAUSIBLE_FRACTION = 0.9;

/**
 * `.splat` has no magic, so its content is judged by its records: the fraction (0..1) of sampled
 * 32-byte records with finite positions within +-1e7, positive finite scales in (1e-30, 1e7)
 * and a byte rotation of near-unit length. Real files score 1; random bytes score ~0 (each
 * record passes with probability ~1e-3).
 */
export function splatPlausibility(bytes: Uint8Array): number {
  const n = Math.floor(bytes.length / SPLAT_BYTES_PER_SPLAT);
  if (n === 0) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = Math.min(n, PLAUSIBILITY_SAMPLES);
  let good = 0;
  for (let s = 0; s < samples; s++) {
    const o = Math.floor((s * n) / samples) * SPLAT_BYTES_PER_SPLAT;
    let ok = true;
    for (let a = 0; a < 3 && ok; a++) {
      const p = view.getFloat32(o + a * 4, true);
      const scale = view.getFloat32(o + 12 + a * 4, true);
      ok = Math.abs(p) <= PLAUSIBLE_MAX && scale > PLAUSIBLE_MIN_SCALE && scale < PLAUSIBLE_MAX;
    }
    let norm2 = 0;
    for (let a = 0; a < 4; a++) norm2 += ((bytes[o + 28 + a] - 128) / 128) ** 2;
    if (ok && (norm2 === 0 || (norm2 >= QUAT_NORM2_RANGE[0] && norm2 <= QUAT_NORM2_RANGE[1]))) good++;
  }
  return good / samples;
}

/** True when `bytes` has the size and values of a `.splat` file (see splatPlausibility). */
export function looksLikeSplat(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.length % SPLAT_BYTES_PER_SPLAT === 0 && splatPlausibility(bytes) >= SPLAT_PLAUSIBLE_FRACTION;
}

/** Decodes a `.splat` file. Throws SceneFormatError when the size is not a positive multiple of 32. */
export function readSplat(bytes: Uint8Array, file: string): LoadedScene {
  if (bytes.length === 0) throw new SceneFormatError(file, FORMAT, 'file is empty (0 splats)');
  if (bytes.length % SPLAT_BYTES_PER_SPLAT !== 0) {
    throw new SceneFormatError(
      file,
      FORMAT,
      `size ${bytes.length} bytes is not a multiple of ${SPLAT_BYTES_PER_SPLAT} (${bytes.length % SPLAT_BYTES_PER_SPLAT} trailing bytes): truncated or not a .splat file`,
    );
  }
  const n = bytes.length / SPLAT_BYTES_PER_SPLAT;
  const scene = emptyScene(n, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { means, logScales, quats, opacityLogits, sh } = scene;
  for (let i = 0; i < n; i++) {
    const o = i * SPLAT_BYTES_PER_SPLAT;
    for (let a = 0; a < 3; a++) {
      means[i * 3 + a] = view.getFloat32(o + a * 4, true);
      // A zero or negative scale gives -Infinity / NaN: a degenerate splat, dropped below.
      logScales[i * 3 + a] = Math.log(view.getFloat32(o + 12 + a * 4, true));
      sh[i * 3 + a] = dcFromByte(bytes[o + 24 + a]);
    }
    opacityLogits[i] = logitFromUnit(bytes[o + 27] / 255);
    let norm = 0;
    for (let a = 0; a < 4; a++) {
      const q = (bytes[o + 28 + a] - 128) / 128;
      quats[i * 4 + a] = q;
      norm += q * q;
    }
    if (norm === 0) {
      // All four bytes 128: no rotation is encoded; the identity is the only sensible reading.
      quats[i * 4] = 1;
    } else {
      const inv = 1 / Math.sqrt(norm);
      for (let a = 0; a < 4; a++) quats[i * 4 + a] *= inv;
    }
  }
  const warnings: string[] = [];
  return { scene: keepFiniteSplats(scene, warnings, file, FORMAT), format: FORMAT, warnings };
}

/**
 * Encodes a scene as `.splat`. Only the DC colour survives; the caller should tell the user
 * when `scene.shDegree > 0` (see `splatDropsSh`).
 */
export function writeSplat(scene: SplatScene): Uint8Array {
  const n = scene.count;
  const k3 = shCoeffCount(scene.shDegree) * 3;
  const out = new Uint8Array(n * SPLAT_BYTES_PER_SPLAT);
  const view = new DataView(out.buffer);
  const { means, logScales, quats, opacityLogits, sh } = scene;
  for (let i = 0; i < n; i++) {
    const o = i * SPLAT_BYTES_PER_SPLAT;
    for (let a = 0; a < 3; a++) {
      view.setFloat32(o + a * 4, means[i * 3 + a], true);
      view.setFloat32(o + 12 + a * 4, Math.exp(logScales[i * 3 + a]), true);
      out[o + 24 + a] = byteFromDc(sh[i * k3 + a]);
    }
    out[o + 27] = byteFromLogit(opacityLogits[i]);
    const w = quats[i * 4];
    const x = quats[i * 4 + 1];
    const y = quats[i * 4 + 2];
    const z = quats[i * 4 + 3];
    const norm = Math.hypot(w, x, y, z);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      out.set([255, 128, 128, 128], o + 28);
    } else {
      out[o + 28] = clampByte(Math.round((w / norm) * 128 + 128));
      out[o + 29] = clampByte(Math.round((x / norm) * 128 + 128));
      out[o + 30] = clampByte(Math.round((y / norm) * 128 + 128));
      out[o + 31] = clampByte(Math.round((z / norm) * 128 + 128));
    }
  }
  return out;
}

/** True when writing `scene` as `.splat` loses view-dependent colour (SH bands above 0). */
export function splatDropsSh(scene: SplatScene): boolean {
  if (scene.shDegree === 0) return false;
  const k3 = shCoeffCount(scene.shDegree) * 3;
  for (let i = 0; i < scene.count; i++) {
    for (let j = 3; j < k3; j++) if (scene.sh[i * k3 + j] !== 0) return true;
  }
  return false;
}

/**
 * Removes splats holding NaN or Inf in any parameter (as the INRIA ply reader does), adding a
 * warning with the count; a scene left with no splats is an error. Returns `scene` itself when
 * everything is finite.
 */
export function keepFiniteSplats(scene: SplatScene, warnings: string[], file: string, format: string): SplatScene {
  const k3 = shCoeffCount(scene.shDegree) * 3;
  const keep = new Uint8Array(scene.count);
  let kept = 0;
  for (let i = 0; i < scene.count; i++) {
    let ok = Number.isFinite(scene.opacityLogits[i]);
    for (let a = 0; a < 3 && ok; a++) ok = Number.isFinite(scene.means[i * 3 + a]) && Number.isFinite(scene.logScales[i * 3 + a]);
    for (let a = 0; a < 4 && ok; a++) ok = Number.isFinite(scene.quats[i * 4 + a]);
    for (let j = 0; j < k3 && ok; j++) ok = Number.isFinite(scene.sh[i * k3 + j]);
    keep[i] = ok ? 1 : 0;
    kept += keep[i];
  }
  if (kept === scene.count) return scene;
  if (kept === 0) throw new SceneFormatError(file, format, `all ${scene.count} splats hold NaN or infinite values`);
  warnings.push(`dropped ${scene.count - kept} of ${scene.count} splats holding NaN or infinite values`);
  const out = emptyScene(kept, scene.shDegree);
  if (scene.antialiased) out.antialiased = true;
  if (scene.filter2d !== undefined) out.filter2d = scene.filter2d;
  let o = 0;
  for (let i = 0; i < scene.count; i++) {
    if (!keep[i]) continue;
    out.means.set(scene.means.subarray(i * 3, i * 3 + 3), o * 3);
    out.logScales.set(scene.logScales.subarray(i * 3, i * 3 + 3), o * 3);
    out.quats.set(scene.quats.subarray(i * 4, i * 4 + 4), o * 4);
    out.opacityLogits[o] = scene.opacityLogits[i];
    out.sh.set(scene.sh.subarray(i * k3, i * k3 + k3), o * k3);
    o++;
  }
  return out;
}
