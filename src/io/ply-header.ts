/**
 * PLY header parsing, shared by every reader of `.ply` variants (INRIA, compressed).
 * The header is plain text up to `end_header`; everything after it is element data.
 */
import { SceneFormatError } from './scene';

export type PlyFormat = 'binary_little_endian' | 'binary_big_endian' | 'ascii';

/**
 * Scalar types by their names in the original PLY spec. The sized aliases that newer writers
 * emit (`float32`, `uint8`, ...) are normalised to these, so callers compare against one name.
 */
export type PlyScalarType = 'char' | 'uchar' | 'short' | 'ushort' | 'int' | 'uint' | 'float' | 'double';

export interface PlyProperty {
  name: string;
  /** Scalar type; for a list property, the type of each item. */
  type: PlyScalarType;
  /** Present only for list properties: the type of the leading item count. */
  listCountType?: PlyScalarType;
  /** Byte size of `type` (for a list: of one item, the row size then depends on the count). */
  size: number;
}

export interface PlyElement {
  name: string;
  /** Row count as declared; nothing has checked yet that the data holds this many rows. */
  count: number;
  properties: PlyProperty[];
  /** Bytes per row in binary formats, or undefined when a list property makes rows vary. */
  stride: number | undefined;
}

export interface PlyHeader {
  format: PlyFormat;
  /** Elements in file order, which is the order of their data. */
  elements: PlyElement[];
  /** Byte offset of the first data byte (just after the `end_header` line ending). */
  dataOffset: number;
  comments: string[];
}

/** Headers above this are refused so a binary file without `end_header` is not scanned whole. */
export const MAX_PLY_HEADER_BYTES = 64 * 1024;

const TYPE_ALIASES: Record<string, PlyScalarType> = {
  char: 'char', int8: 'char',
  uchar: 'uchar', uint8: 'uchar',
  short: 'short', int16: 'short',
  ushort: 'ushort', uint16: 'ushort',
  int: 'int', int32: 'int',
  uint: 'uint', uint32: 'uint',
  float: 'float', float32: 'float',
  double: 'double', float64: 'double',
};

export const PLY_TYPE_SIZE: Record<PlyScalarType, number> = {
  char: 1, uchar: 1, short: 2, ushort: 2, int: 4, uint: 4, float: 4, double: 8,
};

/** Reads one binary scalar; `littleEndian` is false only for binary_big_endian files. */
export function readPlyScalar(view: DataView, offset: number, type: PlyScalarType, littleEndian: boolean): number {
  switch (type) {
    case 'char': return view.getInt8(offset);
    case 'uchar': return view.getUint8(offset);
    case 'short': return view.getInt16(offset, littleEndian);
    case 'ushort': return view.getUint16(offset, littleEndian);
    case 'int': return view.getInt32(offset, littleEndian);
    case 'uint': return view.getUint32(offset, littleEndian);
    case 'float': return view.getFloat32(offset, littleEndian);
    case 'double': return view.getFloat64(offset, littleEndian);
  }
}

/**
 * Smallest byte size a binary row of `element` can have (every list empty). Readers multiply
 * it by the declared count to reject absurd counts before allocating or walking rows.
 */
export function plyMinRowSize(element: PlyElement): number {
  let size = 0;
  for (const p of element.properties) size += p.listCountType ? PLY_TYPE_SIZE[p.listCountType] : p.size;
  return size;
}

/**
 * Byte length of the binary row starting at `offset`, walking list counts. Returns -1 when the
 * row runs past `end` or a list count is negative, so callers can report truncation.
 */
export function plyRowSize(view: DataView, offset: number, end: number, element: PlyElement, littleEndian: boolean): number {
  if (element.stride !== undefined) return offset + element.stride <= end ? element.stride : -1;
  let p = offset;
  for (const prop of element.properties) {
    if (prop.listCountType) {
      const countSize = PLY_TYPE_SIZE[prop.listCountType];
      if (p + countSize > end) return -1;
      const n = readPlyScalar(view, p, prop.listCountType, littleEndian);
      if (!(n >= 0) || !Number.isInteger(n)) return -1;
      p += countSize + n * prop.size;
    } else {
      p += prop.size;
    }
    if (p > end) return -1;
  }
  return p - offset;
}

function parseType(name: string, file: string, line: string): PlyScalarType {
  const t = TYPE_ALIASES[name];
  if (!t) throw new SceneFormatError(file, 'ply', `unknown property type '${name}' in header line '${line}'`);
  return t;
}

/** Finds the end of the header: the first line that is exactly `end_header` (trailing blanks allowed). */
function findHeaderEnd(text: string): { textEnd: number; dataOffset: number } | undefined {
  const re = /(^|\n)end_header[ \t]*(\r?\n|$)/g;
  const m = re.exec(text);
  if (!m) return undefined;
  // A match at the very end of the scanned window without a newline only counts at end of file;
  // the caller passes the whole file in that case, so `$` means a header with no data after it.
  return { textEnd: m.index, dataOffset: m.index + m[0].length };
}

/**
 * Parses the header of a PLY file. Errors are `SceneFormatError(file, 'ply', problem)`.
 * Only the first 64 KiB are examined, so this is cheap for any file size.
 */
export function parsePlyHeader(bytes: Uint8Array, file: string): PlyHeader {
  const fail = (problem: string): never => {
    throw new SceneFormatError(file, 'ply', problem);
  };
  const window = bytes.subarray(0, Math.min(bytes.length, MAX_PLY_HEADER_BYTES));
  // latin1 maps each byte to one code unit, so string indices equal byte offsets.
  const text = new TextDecoder('latin1').decode(window);
  if (!/^ply\r?\n/.test(text)) fail(`not a PLY file (does not start with 'ply')`);
  // Ending at `$` is only valid when the window holds the whole file.
  const end = findHeaderEnd(window.length === bytes.length ? text : text.slice(0, text.lastIndexOf('\n') + 1));
  if (!end) {
    if (bytes.length > MAX_PLY_HEADER_BYTES) fail(`no 'end_header' in the first ${MAX_PLY_HEADER_BYTES} bytes (header too long or not a PLY file)`);
    fail(`header has no 'end_header' line (file is ${bytes.length} bytes)`);
  }
  const { textEnd, dataOffset } = end!;

  let format: PlyFormat | undefined;
  const elements: PlyElement[] = [];
  const comments: string[] = [];
  const lines = text.slice(0, textEnd).split(/\r?\n/);
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    switch (words[0]) {
      case 'format': {
        if (format) fail(`more than one 'format' line`);
        const f = words[1];
        if (f !== 'ascii' && f !== 'binary_little_endian' && f !== 'binary_big_endian') fail(`unknown format '${words[1] ?? ''}' in line '${line}'`);
        if (words[2] === undefined || !/^1(\.0*)?$/.test(words[2])) fail(`unsupported PLY version in line '${line}' (expected 1.0)`);
        format = f as PlyFormat;
        break;
      }
      case 'comment':
        comments.push(line.slice('comment'.length).trim());
        break;
      case 'obj_info':
        break;
      case 'element': {
        if (words.length !== 3) fail(`malformed element line '${line}' (expected 'element <name> <count>')`);
        if (!/^\d+$/.test(words[2])) fail(`element '${words[1]}' has invalid count '${words[2]}'`);
        const count = Number(words[2]);
        if (!Number.isSafeInteger(count)) fail(`element '${words[1]}' count ${words[2]} is too large`);
        elements.push({ name: words[1], count, properties: [], stride: 0 });
        break;
      }
      case 'property': {
        const el = elements[elements.length - 1];
        if (!el) fail(`property line '${line}' appears before any element`);
        let prop: PlyProperty;
        if (words[1] === 'list') {
          if (words.length !== 5) fail(`malformed list property line '${line}' (expected 'property list <count type> <item type> <name>')`);
          const countType = parseType(words[2], file, line);
          if (countType === 'float' || countType === 'double') fail(`list count type must be an integer in line '${line}'`);
          const type = parseType(words[3], file, line);
          prop = { name: words[4], type, listCountType: countType, size: PLY_TYPE_SIZE[type] };
        } else {
          if (words.length !== 3) fail(`malformed property line '${line}' (expected 'property <type> <name>')`);
          const type = parseType(words[1], file, line);
          prop = { name: words[2], type, size: PLY_TYPE_SIZE[type] };
        }
        if (el.properties.some((p) => p.name === prop.name)) fail(`element '${el.name}' declares property '${prop.name}' twice`);
        el.properties.push(prop);
        break;
      }
      default:
        fail(`unknown header line '${line}'`);
    }
  }
  if (!format) fail(`header has no 'format' line`);
  for (const el of elements) {
    el.stride = el.properties.some((p) => p.listCountType) ? undefined : el.properties.reduce((s, p) => s + p.size, 0);
  }
  return { format: format!, elements, dataOffset, comments };
}
