/**
 * Per-adapter shapes of the kernels: how many items one invocation handles serially and how
 * many invocations share a workgroup. They reach WGSL as `override` constants and change speed
 * only, never results: the sort and the scans are exact integer algorithms whose output does not
 * depend on the shape, and the float kernels keep one fixed summation order per shape class.
 *
 * Two classes, chosen from the adapter (measurements in bench/README.md):
 * - CPU adapters (SwiftShader, llvmpipe, WARP: `isFallbackAdapter`): a workgroup runs on one CPU
 *   thread with 4-wide SIMD, barriers switch between coroutines, browsers zero workgroup memory
 *   with slow generated code, and every storage access of a lane is its own bounds-checked load
 *   or store. So: long serial chunks per invocation, few workgroups, no workgroup memory, 8-bit
 *   digits counted in private arrays (histograms stay smaller than the keys), and small sorts
 *   in one workgroup per pass (every dispatch costs a wake-up of the adapter's threads).
 *   SwiftShader also compiles WGSL nearly as written, which every kernel (not only the shaped
 *   ones) should assume: no common subexpressions are shared, each vector component is its own
 *   SIMD operation (RGB in a vec4 pays for the w), each float of a loaded record is its own load
 *   per lane (read the fields used), and a branch that differs between the 4 lanes of a SIMD
 *   group runs both sides masked (bench/README.md, twelfth and thirteenth sessions). Every trip
 *   of a loop pays for each value the loop carries, and a branch's merge for what it carries
 *   through: skip work in a tight inner loop that carries only its index, and evaluate a few
 *   masked lanes rather than branch around them (fourteenth session: the forward rasterizer
 *   0.40x the time, the backward 0.44x). Code no lane runs still costs about one run of it
 *   (after a uniform return, in a branch no lane takes, in a loop of zero trips; fifteenth
 *   session): a guard saves nothing, a loop saves only the trips past the first. So
 *   invocations past the end of the work cost as much as real ones: dispatch 1-D over the
 *   work, not a 2-D grid that overhangs the image (the loss's strips: 17-27% of them did).
 * - GPUs: short serial chunks (many invocations hide memory latency), 4-bit digits.
 */
export interface KernelShapes {
  readonly kind: 'cpu' | 'gpu';
  /** Invocations per workgroup of the serial-chunk scan kernels. */
  readonly chunkWorkgroup: number;
  /** Invocations per workgroup of the sort's count and scatter (one chunk each). */
  readonly sortWorkgroup: number;
  /** Sort: fewest keys one invocation counts and scatters. */
  readonly sortMinChunk: number;
  /** Sort: chunks aimed for; beyond this many keys per chunk grow instead (CPU parallelism is small). */
  readonly sortTargetChunks: number;
  /**
   * Sort: a pass's fixed cost (its dispatches) as a number of key words moved, for the choice of
   * digit width: ~0.6 ms per pass on SwiftShader, ~10 us on a GPU.
   */
  readonly sortPassOverheadWords: number;
  /** Sort: widest digit per pass, in bits. */
  readonly sortDigitBits: number;
  /**
   * Sort: digit counters in a private array per invocation and inputs read as vec4s
   * (radix_sort_*_private.wgsl). Software adapters pay a bounds-checked access per lane for every
   * storage access; a GPU would spill a 256-entry private array out of registers.
   */
  readonly sortPrivateDigits: boolean;
  /**
   * Sort: up to this many keys, each pass is one dispatch of one workgroup
   * (radix_sort_single.wgsl) instead of six (count, a 4-dispatch scan, scatter). A software
   * adapter pays for every dispatch; a GPU would idle all but one of its cores. 0: never.
   */
  readonly sortSingleMaxKeys: number;
  /** Scan: elements one invocation sums and rescans serially. */
  readonly scanChunk: number;
  /**
   * Viewer: 6, a quad of two triangles per splat; 3, the triangles of the polygon table
   * (polygon_table.wgsl): one triangle around the ellipse, a rectangle or a hexagon only for
   * large splats. Software rasterizers pay per triangle about what 100-200 fragments cost (one
   * triangle: about 10% less CPU per frame on SwiftShader than quads despite 30% more
   * fragments); GPUs pay per fragment.
   */
  readonly splatVertices: 3 | 6;
  /**
   * Image loss: each invocation filters a strip of LOSS_STRIP pixels with the window unrolled
   * (*_strip.wgsl), loading each tap once for the strip instead of once per pixel. Software
   * adapters run loops and runtime-indexed constant arrays as written and pay a bounds-checked
   * load per lane; a GPU would hold 8 pixels' moments in registers and lose occupancy.
   */
  readonly lossStrips: boolean;
  /**
   * Projection: a culled splat returns at once, before its SH loads. A GPU skips that work; a
   * software adapter runs everything after a branch that differs between a SIMD group's lanes
   * masked, loads included, which costs it more than the work saved, so there the cull tests
   * narrow one flag and the record is selected at the end (0.86-0.91x the projection's time on
   * SwiftShader, buddha13 and playbot-31000; bench/README.md).
   */
  readonly earlyExit: boolean;
}

export const CPU_SHAPES: KernelShapes = {
  kind: 'cpu',
  chunkWorkgroup: 64,
  // 64 chunks in workgroups of 4 (one SIMD group): 16 workgroups for the CPU's threads, and a
  // histogram of 16k entries at 8-bit digits.
  sortWorkgroup: 4,
  sortMinChunk: 256,
  sortTargetChunks: 64,
  sortPassOverheadWords: 131072,
  sortDigitBits: 8,
  sortPrivateDigits: true,
  // One-workgroup sorts (4 lanes) against the multi-dispatch passes on SwiftShader, 2 cores:
  // 0.26-0.31x the time at 20k keys, 0.58-0.69x at 100k, 0.80x at 200k, about even from 300k.
  sortSingleMaxKeys: 131072,
  scanChunk: 256,
  splatVertices: 3,
  lossStrips: true,
  earlyExit: false,
};

export const GPU_SHAPES: KernelShapes = {
  kind: 'gpu',
  chunkWorkgroup: 128,
  sortWorkgroup: 128,
  sortMinChunk: 16,
  sortTargetChunks: 1 << 30,
  sortPassOverheadWords: 16384,
  sortDigitBits: 4,
  sortPrivateDigits: false,
  sortSingleMaxKeys: 0,
  scanChunk: 32,
  splatVertices: 6,
  lossStrips: false,
  earlyExit: true,
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
