/**
 * WGSL composition: shaders are real `.wgsl` files under `shaders/`, gathered at build time by
 * vite's import.meta.glob (`?raw`), joined by `#include "path.wgsl"` lines (paths relative to
 * `shaders/`). Each file is inlined once per composed shader; cycles and missing files throw.
 */

const raw = import.meta.glob('../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

/** Every shader file keyed by its path under `shaders/` (e.g. `common/constants.wgsl`). */
export const SHADER_SOURCES: ReadonlyMap<string, string> = new Map(
  Object.entries(raw).map(([key, text]) => [key.replace(/^.*\/shaders\//, ''), text]),
);

const INCLUDE = /^[ \t]*#include[ \t]+"([^"]+)"[ \t]*$/;

/** Resolves `#include` lines against `sources`; exported for tests with synthetic sources. */
export function composeWgsl(entry: string, sources: ReadonlyMap<string, string> = SHADER_SOURCES): string {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string, stack: string[]): void => {
    if (stack.includes(name)) throw new Error(`WGSL include cycle: ${[...stack, name].join(' -> ')}`);
    if (done.has(name)) return;
    const text = sources.get(name);
    if (text === undefined) {
      const from = stack.length > 0 ? ` (included from ${stack[stack.length - 1]})` : '';
      throw new Error(`WGSL file not found: shaders/${name}${from}`);
    }
    done.add(name);
    for (const line of text.split('\n')) {
      const m = INCLUDE.exec(line);
      if (m) visit(m[1], [...stack, name]);
      else out.push(line);
    }
  };
  visit(entry, []);
  return out.join('\n');
}

/** Creates a labelled shader module from a composed shader file. */
export function createShaderModule(device: GPUDevice, entry: string, label = entry): GPUShaderModule {
  return device.createShaderModule({ label, code: composeWgsl(entry) });
}

/**
 * Reads `const NAME: type = value;` declarations from a WGSL file, so constants shared by TS
 * and WGSL have the WGSL file as their single source.
 */
export function parseWgslConstants(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = /^\s*const\s+([A-Z_][A-Z0-9_]*)\s*(?::\s*\w+)?\s*=\s*([-+0-9.eE]+)[uif]?\s*;/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]] = Number(m[2]);
  return out;
}
