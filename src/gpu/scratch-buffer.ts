/**
 * A storage buffer that grows by doubling and is safe to grow between commands recorded into
 * one encoder. A replaced buffer may still be referenced by commands recorded but not yet
 * submitted, so it is only destroyed by `releaseRetired`, which owners call when they see a new
 * encoder (the previous one has been submitted or dropped by then).
 */
import { bindingLimit } from './pipeline';

const USAGE_STORAGE = 0x80 | 0x8 | 0x4; // STORAGE | COPY_DST | COPY_SRC (globals may be unset in Node)

export class ScratchBuffer {
  buffer: GPUBuffer;
  /** Bumped whenever `buffer` is replaced (bind groups that use it go stale). */
  generation = 0;
  private retired: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly label: string,
    private readonly usage: GPUBufferUsageFlags = USAGE_STORAGE,
    initialBytes = 16,
  ) {
    this.buffer = device.createBuffer({ label, size: Math.max(16, Math.ceil(initialBytes / 4) * 4), usage });
  }

  get capacity(): number {
    return this.buffer.size;
  }

  /** Ensures at least `bytes`; returns true when the buffer was replaced. */
  ensure(bytes: number): boolean {
    if (bytes <= this.buffer.size) return false;
    const limit = bindingLimit(this.device);
    if (bytes > limit) {
      throw new RangeError(`${this.label}: needs ${bytes} bytes, over this device's storage binding limit of ${limit} bytes`);
    }
    let next = this.buffer.size;
    while (next < bytes) next *= 2;
    this.retired.push(this.buffer);
    this.buffer = this.device.createBuffer({ label: this.label, size: Math.min(next, limit), usage: this.usage });
    this.generation++;
    return true;
  }

  releaseRetired(): void {
    for (const b of this.retired) b.destroy();
    this.retired = [];
  }

  destroy(): void {
    this.releaseRetired();
    this.buffer.destroy();
  }
}
