/**
 * Per-adapter shapes of the kernels: how many items one invocation handles serially and how
 * many invocations share a workgroup. They reach WGSL as `override` constants and change speed
 * only, never results: the sort and the scans are exact integer algorithms whose output does not
 * depend on the shape, and the float kernels keep one fixed summation order per shape class.
 *
 * Two classes, chosen from the adapter (measurements in bench/README.md):
 * - CPU adapters (SwiftShader, llvmpipe, WARP: `isFallbackAdapter`): a workgroup runs on one CPU
 *   thread with 4-wide SIMD, barriers switch between coroutines, and browsers zero workgroup
 *   memory with slow generated code. So: long serial chunks per invocation, few workgroups, no
 *   workgroup memory, 8-bit digits (histograms stay smaller than the keys).
 * - GPUs: short serial chunks (many invocations hide memory latency), 4-bit digits.
 */
export interface KernelShapes {
  readonly kind: 'cpu' | 'gpu';
  /** Invocations per workgroup of the serial-chunk kernels (sort, scan). */
  readonly chunkWorkgroup: number;
  /** Sort: fewest keys one invocation counts and scatters. */
  readonly sortMinChunk: number;
  /** Sort: chunks aimed for; beyond this many keys per chunk grow instead (CPU parallelism is small). */
  readonly sortTargetChunks: number;
  /** Sort: widest digit per pass, in bits. */
  readonly sortDigitBits: number;
  /** Scan: elements one invocation sums and rescans serially. */
  readonly scanChunk: number;
  /**
   * Viewer: vertices per splat, 3 (one triangle around the ellipse) or 6 (a quad of two).
   * Software rasterizers pay per triangle more than per fragment (one triangle: about 10% less
   * CPU per frame on SwiftShader despite 30% more fragments); GPUs pay per fragment.
   */
  readonly splatVertices: 3 | 6;
}

export const CPU_SHAPES: KernelShapes = {
  kind: 'cpu',
  chunkWorkgroup: 64,
  sortMinChunk: 64,
  sortTargetChunks: 512,
  sortDigitBits: 8,
  scanChunk: 256,
  splatVertices: 3,
};

export const GPU_SHAPES: KernelShapes = {
  kind: 'gpu',
  chunkWorkgroup: 128,
  sortMinChunk: 16,
  sortTargetChunks: 1 << 30,
  sortDigitBits: 4,
  scanChunk: 32,
  splatVertices: 6,
};

/** True for adapters that run WGSL on the CPU. */
export function isCpuAdapter(info: GPUAdapterInfo | undefined): boolean {
  if (!info) return false;
  if ((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** The shapes for a device's adapter (kernels take others as a constructor argument, for tests). */
export function kernelShapes(device: GPUDevice): KernelShapes {
  // Benchmarks compare the classes on one adapter (Node only: SPLAT_KERNEL_SHAPES=cpu|gpu).
  const forced = typeof process !== 'undefined' ? process.env?.SPLAT_KERNEL_SHAPES : undefined;
  if (forced === 'cpu' || forced === 'gpu') return forced === 'cpu' ? CPU_SHAPES : GPU_SHAPES;
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return isCpuAdapter(info) ? CPU_SHAPES : GPU_SHAPES;
}
