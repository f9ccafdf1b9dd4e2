/**
 * How many splats one device can hold. Every per-splat buffer is bound whole as one storage
 * binding, so the widest row (the SH coefficients, or at low degrees the viewer's screen-space
 * quad) times the count must fit min(maxStorageBufferBindingSize, maxBufferSize): at the 128 MiB
 * WebGPU default that is 699,050 SH-3 splats, whatever the GPU's memory.
 */
import { shCoeffCount } from '../io/scene';
import { SPLAT_QUAD } from '../kernels/layouts';

export type BufferLimits = Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>;

/** Bytes of the widest per-splat row any pass allocates at `shDegree`. */
export function splatRowBytes(shDegree: number): number {
  return Math.max(shCoeffCount(shDegree) * 3 * 4, SPLAT_QUAD.bytes);
}

/** The largest storage binding these limits allow, in bytes. */
export function bindingLimit(limits: BufferLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/** Most splats at `shDegree` whose every per-splat buffer fits one binding of these limits. */
export function splatCapacity(limits: BufferLimits, shDegree: number): number {
  return Math.floor(bindingLimit(limits) / splatRowBytes(shDegree));
}

/** "this GPU holds at most N splats at SH degree d (...)": for errors and notices. */
export function capacityText(limits: BufferLimits, shDegree: number): string {
  const mib = (bindingLimit(limits) / 2 ** 20).toFixed(0);
  return `this GPU holds at most ${splatCapacity(limits, shDegree).toLocaleString('en-US')} splats at SH degree ${shDegree} (${splatRowBytes(shDegree)} bytes a splat in one buffer; its storage buffer limit is ${mib} MiB)`;
}

/**
 * The highest SH degree, at most `shDegree`, at which `count` splats fit these limits; -1 when
 * none does. Fewer bands cost the view its view-dependent colour, not its splats.
 */
export function fittingShDegree(limits: BufferLimits, count: number, shDegree: number): number {
  let d = shDegree;
  while (d >= 0 && count > splatCapacity(limits, d)) d--;
  return d;
}

/** What a run does when this GPU holds fewer splats than its max splats (CLI and Train panel). */
export function capacityNotice(limits: BufferLimits, shDegree: number, maxSplats: number, strategy: 'adc' | 'mcmc'): string {
  const what = strategy === 'adc' ? 'densification stops there' : 'an automatic MCMC budget and peak stay under it';
  return `${capacityText(limits, shDegree)}, fewer than max splats (${maxSplats.toLocaleString('en-US')}): ${what}`;
}

/** Why `name` is drawn at SH degree `shown`, below its own `scene.shDegree` (viewer and `splat render`). */
export function shDegreeNotice(limits: BufferLimits, name: string, scene: { count: number; shDegree: number }, shown: number): string {
  return `${name}: ${scene.count.toLocaleString('en-US')} splats at SH degree ${scene.shDegree} do not fit: ${capacityText(limits, scene.shDegree)}; drawn at SH degree ${shown}`;
}
