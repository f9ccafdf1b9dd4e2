/**
 * Host-side descriptions of WGSL structs the host fills or reads: each field's word offset,
 * scalar type and width, the bytes per struct, and which shader file declares the struct. The
 * layouts themselves live in src/kernels/layouts.ts (one source for every kernel wrapper);
 * test/kernels/struct-layouts.test.ts compiles a probe from each struct's own declaration and
 * checks every field and the size on the GPU.
 */

export type WordType = 'f32' | 'u32';

export interface StructField {
  /** Offset in 4-byte words from the start of the struct. */
  readonly at: number;
  readonly type: WordType;
  /** Words: 1 for a scalar, N for a vecN. */
  readonly len: number;
}

export const f32 = (at: number, len = 1): StructField => ({ at, type: 'f32', len });
export const u32 = (at: number, len = 1): StructField => ({ at, type: 'u32', len });

export interface StructLayout<K extends string = string> {
  /** The shader file (path under shaders/) that declares the struct, and its WGSL name. */
  readonly file: string;
  readonly struct: string;
  /**
   * 'uniform': one struct bound as a uniform, `bytes` its buffer size (a multiple of 16, may
   * exceed the WGSL size); 'storage': records in a storage buffer at a stride of `bytes`.
   */
  readonly binding: 'uniform' | 'storage';
  readonly bytes: number;
  /** bytes / 4. */
  readonly words: number;
  /** Every WGSL field but padding (`_`-prefixed), by its WGSL name. */
  readonly fields: { readonly [F in K]: StructField };
}

/** The field names of a layout: `UniformStruct<FieldsOf<typeof ADAM_PARAMS>>`. */
export type FieldsOf<L extends StructLayout<string>> = keyof L['fields'] & string;

/** Declares a layout; throws at load when a field overlaps another or leaves the struct. */
export function structLayout<K extends string>(
  file: string,
  struct: string,
  binding: 'uniform' | 'storage',
  bytes: number,
  fields: { readonly [F in K]: StructField },
): StructLayout<K> {
  const words = bytes / 4;
  const align = binding === 'uniform' ? 16 : 4;
  if (!Number.isInteger(bytes / align) || bytes <= 0) throw new Error(`${struct}: ${bytes} bytes is not a positive multiple of ${align}`);
  const owner: (string | undefined)[] = new Array(words);
  for (const [name, f] of Object.entries(fields) as [string, StructField][]) {
    if (f.len < 1 || f.len > 4 || f.at < 0 || f.at + f.len > words) throw new Error(`${struct}.${name}: words [${f.at}, ${f.at + f.len}) leave the ${bytes}-byte struct`);
    for (let w = f.at; w < f.at + f.len; w++) {
      if (owner[w] !== undefined) throw new Error(`${struct}.${name} overlaps ${struct}.${owner[w]} at word ${w}`);
      owner[w] = name;
    }
  }
  return { file, struct, binding, bytes, words, fields };
}

/** Field values to pack: a number per scalar, up to `len` numbers per vector (the rest 0). */
export type StructValues<K extends string> = { readonly [F in K]: number | readonly number[] };

/**
 * Writes one struct into `out` at `byteOffset`: every field of `values` at its offset, zeros in
 * the padding. A u32 value must be an integer in [0, 2^32): anything else throws rather than
 * being wrapped or truncated on its way to the GPU.
 */
export function packStruct<K extends string>(layout: StructLayout<K>, values: StructValues<K>, out: ArrayBuffer, byteOffset = 0): void {
  const f = new Float32Array(out, byteOffset, layout.words);
  const u = new Uint32Array(out, byteOffset, layout.words);
  u.fill(0);
  for (const name in layout.fields) {
    const field: StructField = layout.fields[name];
    const v: number | readonly number[] | undefined = values[name];
    const list: readonly number[] | undefined = typeof v === 'number' ? [v] : v;
    if (list === undefined || list.length < 1 || list.length > field.len || (field.len === 1 && typeof v !== 'number')) {
      throw new TypeError(`${layout.struct}.${name}: expected ${field.len === 1 ? 'a number' : `up to ${field.len} numbers`}`);
    }
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (field.type === 'f32') f[field.at + i] = x;
      else if (Number.isInteger(x) && x >= 0 && x <= 0xffffffff) u[field.at + i] = x;
      else throw new RangeError(`${layout.struct}.${name}: ${x} is not a u32`);
    }
  }
}

/** The word offset of every field (a flat index map for reading back a storage struct). */
export function wordOffsets<K extends string>(layout: StructLayout<K>): { readonly [F in K]: number } {
  const out = {} as { [F in K]: number };
  for (const name in layout.fields) out[name] = layout.fields[name].at;
  return out;
}

const UNIFORM_USAGE = 0x40 | 0x8; // UNIFORM | COPY_DST (globals may be unset in Node)

/** A uniform buffer holding one struct, packed through its layout. */
export class UniformStruct<K extends string> {
  readonly buffer: GPUBuffer;
  private readonly data: ArrayBuffer;

  constructor(
    private readonly device: GPUDevice,
    label: string,
    readonly layout: StructLayout<K>,
  ) {
    if (layout.binding !== 'uniform') throw new Error(`${label}: ${layout.struct} is no uniform struct`);
    this.data = new ArrayBuffer(layout.bytes);
    this.buffer = device.createBuffer({ label, size: layout.bytes, usage: UNIFORM_USAGE });
  }

  /** Packs `values` and queues the write: it applies to command buffers submitted after this call. */
  write(values: StructValues<K>): void {
    packStruct(this.layout, values, this.data);
    this.device.queue.writeBuffer(this.buffer, 0, this.data);
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
