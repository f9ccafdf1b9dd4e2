/**
 * Readers for COLMAP's text sparse model (3dgs-reference.md §8.4). `#` starts a comment line;
 * every problem names the file, the 1-based line and the offending token.
 */
import { cameraModelByName } from './camera-models';
import { type ColmapCamera, ColmapError, type ColmapImage, type ColmapPoints } from './types';

interface Line {
  no: number;
  tokens: string[];
}

/** Lines with their numbers, comments dropped; blank lines kept when `keepBlank` (images.txt). */
function lines(text: string, keepBlank: boolean): Line[] {
  const out: Line[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i].trim();
    if (s.startsWith('#')) continue;
    if (s === '' && !keepBlank) continue;
    out.push({ no: i + 1, tokens: s === '' ? [] : s.split(/\s+/) });
  }
  return out;
}

class TokenParser {
  constructor(readonly file: string) {}

  fail(line: Line, problem: string): never {
    throw new ColmapError(this.file, `line ${line.no}: ${problem}`);
  }

  num(line: Line, i: number, what: string): number {
    const tok = line.tokens[i];
    const v = tok === undefined ? NaN : Number(tok);
    if (tok === undefined || tok === '' || !Number.isFinite(v)) this.fail(line, `bad ${what} '${tok ?? ''}' (token ${i + 1})`);
    return v;
  }

  int(line: Line, i: number, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.num(line, i, what);
    if (!Number.isInteger(v) || v < min || v > max) this.fail(line, `bad ${what} '${line.tokens[i]}' (token ${i + 1}): expected an integer in [${min}, ${max}]`);
    return v;
  }
}

export function readCamerasTxt(text: string, file = 'cameras.txt'): ColmapCamera[] {
  const p: TokenParser = new TokenParser(file);
  const cameras: ColmapCamera[] = [];
  for (const line of lines(text, false)) {
    if (line.tokens.length < 4) p.fail(line, `expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS..., got ${line.tokens.length} tokens`);
    const id = p.int(line, 0, 'camera id');
    const model = cameraModelByName(line.tokens[1]);
    if (!model) p.fail(line, `unknown camera model '${line.tokens[1]}'`);
    const width = p.int(line, 2, 'width', 1);
    const height = p.int(line, 3, 'height', 1);
    const nParams = line.tokens.length - 4;
    if (nParams !== model.params.length) {
      p.fail(line, `${model.name} takes ${model.params.length} parameters (${model.params.join(', ')}), got ${nParams}`);
    }
    const params = model.params.map((name, k) => p.num(line, 4 + k, `parameter ${name}`));
    cameras.push({ id, model: model.name, width, height, params });
  }
  return cameras;
}

/** A points line is empty or a run of numeric (X, Y, POINT3D_ID) triples. */
function isPointsLine(line: Line): boolean {
  return line.tokens.length % 3 === 0 && line.tokens.every((t) => Number.isFinite(Number(t)));
}

/**
 * Two lines per image: the image line, then its 2D points. Some tools drop the points line,
 * so lines are classified rather than paired blindly: after an image line, the next line is
 * its points line only if it looks like one (empty, or numeric triples); otherwise it is taken
 * as the next image line.
 */
export function readImagesTxt(text: string, file = 'images.txt'): ColmapImage[] {
  const p: TokenParser = new TokenParser(file);
  const images: ColmapImage[] = [];
  const all = lines(text, true);
  let afterImage = false;
  for (const line of all) {
    if (afterImage && isPointsLine(line)) {
      afterImage = false;
      continue;
    }
    afterImage = false;
    if (line.tokens.length === 0) continue;
    if (line.tokens.length < 10) {
      p.fail(line, `expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, got ${line.tokens.length} tokens`);
    }
    const id = p.int(line, 0, 'image id');
    const qvec = [1, 2, 3, 4].map((i) => p.num(line, i, 'quaternion component'));
    const tvec = [5, 6, 7].map((i) => p.num(line, i, 'translation component'));
    const cameraId = p.int(line, 8, 'camera id');
    // Names with spaces are legal file names; everything after CAMERA_ID is the name.
    const name = line.tokens.slice(9).join(' ');
    images.push({ id, name, qvec, tvec, cameraId });
    afterImage = true;
  }
  return images;
}

export function readPoints3DTxt(text: string, file = 'points3D.txt'): ColmapPoints {
  const p: TokenParser = new TokenParser(file);
  const body = lines(text, false);
  const xyz = new Float32Array(body.length * 3);
  const rgb = new Uint8Array(body.length * 3);
  body.forEach((line, i) => {
    const n = line.tokens.length;
    if (n < 8 || (n - 8) % 2 !== 0) {
      p.fail(line, `expected POINT3D_ID X Y Z R G B ERROR (IMAGE_ID POINT2D_IDX)..., got ${n} tokens`);
    }
    p.int(line, 0, 'point id');
    for (let a = 0; a < 3; a++) xyz[i * 3 + a] = p.num(line, 1 + a, 'coordinate');
    for (let a = 0; a < 3; a++) rgb[i * 3 + a] = p.int(line, 4 + a, 'colour', 0, 255);
    p.num(line, 7, 'error');
  });
  return { xyz, rgb };
}
