/** Buffer helpers: capacity-doubling storage buffers and readback. */

/** A storage buffer that grows by doubling, so per-frame resizes allocate O(log n) times. */
export class GrowableBuffer {
  buffer: GPUBuffer;
  private capacityBytes: number;

  constructor(
    private readonly device: GPUDevice,
    readonly label: string,
    private readonly usage: GPUBufferUsageFlags,
    initialBytes = 256,
  ) {
    this.capacityBytes = align4(Math.max(initialBytes, 16));
    this.buffer = device.createBuffer({ label, size: this.capacityBytes, usage });
  }

  get capacity(): number {
    return this.capacityBytes;
  }

  /**
   * Ensures at least `bytes` (exactly `bytes` when growing with `exact`, for buffers whose record
   * counts must match); returns true when the buffer was replaced (bind groups go stale).
   */
  ensure(bytes: number, exact = false): boolean {
    if (bytes <= this.capacityBytes) return false;
    const limit = Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize);
    if (bytes > limit) {
      throw new RangeError(
        `${this.label}: needs ${bytes} bytes, over this adapter's storage buffer limit of ${limit} bytes (scene too large for this GPU)`,
      );
    }
    let next = exact ? bytes : this.capacityBytes;
    while (next < bytes) next *= 2;
    this.capacityBytes = Math.min(align4(next), limit - (limit % 4));
    this.buffer.destroy();
    this.buffer = this.device.createBuffer({ label: this.label, size: this.capacityBytes, usage: this.usage });
    return true;
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

export function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

export const STORAGE = 0x80 | 0x8 | 0x4; // STORAGE | COPY_DST | COPY_SRC, usable before globals load

export function createBufferWithData(device: GPUDevice, label: string, data: ArrayBufferView, usage: GPUBufferUsageFlags = STORAGE): GPUBuffer {
  const size = align4(Math.max(data.byteLength, 16));
  const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** Copies `bytes` from `src` (at `offset`) to the CPU. Waits for all work submitted so far. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes = src.size, offset = 0): Promise<ArrayBuffer> {
  const size = align4(bytes);
  const staging = device.createBuffer({ label: 'readback', size: Math.max(size, 4), usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
  const enc = device.createCommandEncoder({ label: 'readback' });
  if (size > 0) enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(0x1);
  const copy = staging.getMappedRange(0, size).slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return copy;
}

export async function readF32(device: GPUDevice, src: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, count * 4, offset));
}

export async function readU32(device: GPUDevice, src: GPUBuffer, count: number, offset = 0): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(device, src, count * 4, offset));
}
