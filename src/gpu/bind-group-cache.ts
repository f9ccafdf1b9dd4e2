/**
 * Bind groups keyed by the identity of the buffers they bind, so frames reuse them and only a
 * replaced (grown) buffer creates new ones. Entries holding a destroyed buffer are never hit
 * again (a grown buffer is a new object) and are evicted when the cache gets large.
 */
let nextId = 1;
const ids = new WeakMap<object, number>();

/** A stable id per object (strings pass through), for cache keys built from GPU objects. */
export function idOf(o: object | string): string {
  if (typeof o === 'string') return o;
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return String(id);
}

export class BindGroupCache {
  private readonly map = new Map<string, GPUBindGroup>();

  get(key: (object | string)[], make: () => GPUBindGroup): GPUBindGroup {
    const k = key.map(idOf).join(',');
    let g = this.map.get(k);
    if (!g) {
      if (this.map.size > 256) this.map.clear();
      g = make();
      this.map.set(k, g);
    }
    return g;
  }
}
