/**
 * The trainer's seeded random streams: mulberry32 and the view order. Each keeps its whole
 * state in plain numbers so a checkpoint can save and restore the stream exactly.
 */
/**
 * mulberry32: small, seedable, good enough for view order and backgrounds. Its whole state is
 * one u32 (`state`), so a checkpoint can save and restore the stream exactly.
 */
export class Mulberry32 {
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** mulberry32 as a plain function. */
export function seededRandom(seed: number): () => number {
  const r = new Mulberry32(seed);
  return () => r.next();
}

/** What a ViewSampler needs to continue its sequence: the RNG and the rest of this epoch. */
export interface ViewSamplerState {
  rng: number;
  /** Views left in this epoch, popped from the end. */
  order: number[];
}

/** Views in a fresh random order each epoch (without replacement), as the reference samples. */
export class ViewSampler {
  private order: number[] = [];
  private readonly random: Mulberry32;

  constructor(
    private readonly count: number,
    seed: number,
  ) {
    if (count < 1) throw new Error('no training views');
    this.random = new Mulberry32(seed ^ 0x5bd1e995);
  }

  next(): number {
    if (this.order.length === 0) {
      this.order = Array.from({ length: this.count }, (_, i) => i);
      for (let i = this.count - 1; i > 0; i--) {
        const j = Math.floor(this.random.next() * (i + 1));
        [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
      }
    }
    return this.order.pop() as number;
  }

  save(): ViewSamplerState {
    return { rng: this.random.state, order: [...this.order] };
  }

  restore(s: ViewSamplerState): void {
    if (!s.order.every((v) => Number.isInteger(v) && v >= 0 && v < this.count)) throw new RangeError(`view sampler state refers to views outside 0..${this.count - 1}`);
    this.random.state = s.rng >>> 0;
    this.order = [...s.order];
  }
}
