import { describe, expect, it } from 'vitest';
import probeSource from './layout-probe.wgsl?raw';
import { SHADER_SOURCES, composeWgsl } from '../../src/gpu/wgsl';
import * as layouts from '../../src/kernels/layouts';
import { PROJECTED_SPLAT, CAMERA_UNIFORM, PROJECTED_GRAD, TILE_RECORD } from '../../src/kernels/layouts';
import { type StructLayout, type StructValues, packStruct } from '../../src/gpu/struct-layout';
import { CameraUniform, cameraBindGroupLayout } from '../../src/kernels/camera-uniform';
import { bindBuffers, bindGroupLayout } from '../../src/gpu/pipeline';
import { STORAGE, createBufferWithData, readBuffer, readU32 } from '../../src/gpu/buffers';
import { getTestDevice } from '../helpers/gpu';

describe('struct layouts shared by TS and WGSL', () => {
  it('camera uniform, projected-splat, gradient and tile-record offsets match what WGSL reads and writes', async () => {
    const device = await getTestDevice();
    const sources = new Map(SHADER_SOURCES);
    sources.set('probe.wgsl', probeSource);
    const module = device.createShaderModule({ label: 'LayoutProbe', code: composeWgsl('probe.wgsl', sources) });
    const camLayout = cameraBindGroupLayout(device);
    const layout = bindGroupLayout(device, 'LayoutProbe.layout', ['rw', 'rw', 'rw', 'rw']);
    const pipeline = device.createComputePipeline({
      label: 'LayoutProbe',
      layout: device.createPipelineLayout({ bindGroupLayouts: [camLayout, layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const uniform = new CameraUniform(device);
    expect(uniform.buffer.size).toBe(CAMERA_UNIFORM.bytes);
    uniform.write(
      { width: 100, height: 70, fx: 50, fy: 60, cx: 49, cy: 33, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0.5, 0.25, 2] },
      { count: 17, shDegree: 2, shCoeffs: 9, splatScale: 1.5, background: [0.1, 0.2, 0.3], antialias: true, filter2d: 0.125 },
    );
    const out = device.createBuffer({ size: 64, usage: STORAGE });
    const rec = device.createBuffer({ size: PROJECTED_SPLAT.bytes * 2, usage: STORAGE });
    const grads = device.createBuffer({ size: PROJECTED_GRAD.bytes * 2, usage: STORAGE });
    const tiles = device.createBuffer({ size: TILE_RECORD.bytes * 2, usage: STORAGE });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindBuffers(device, 'cam', camLayout, [uniform.buffer]));
    pass.setBindGroup(1, bindBuffers(device, 'probe', layout, [out, rec, grads, tiles]));
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([enc.finish()]);
    const f = new Float32Array(await readBuffer(device, out, 52));
    // Jacobian clamp max on x/z: (1.15 W - cx) / fx; tiles_y = ceil(70 / 16) = 5.
    const expected = [1, 1, 1, 2, -0.25, 33, (1.15 * 100 - 49) / 50, 0.3, 5, 1.5, 9, 1, 0.125];
    for (let i = 0; i < expected.length; i++) expect(f[i]).toBeCloseTo(expected[i], 5);
    const r = new Float32Array(await readBuffer(device, rec, PROJECTED_SPLAT.bytes, PROJECTED_SPLAT.bytes));
    const u = new Uint32Array(r.buffer);
    expect([r[PROJECTED_SPLAT.xy], r[PROJECTED_SPLAT.xy + 1], r[PROJECTED_SPLAT.comp], r[PROJECTED_SPLAT.opacity]]).toEqual([1, 2, 3, 4]);
    expect([r[PROJECTED_SPLAT.conic], r[PROJECTED_SPLAT.conic + 1], r[PROJECTED_SPLAT.conic + 2], r[PROJECTED_SPLAT.radius]]).toEqual([5, 6, 7, 8]);
    expect([r[PROJECTED_SPLAT.rgb], r[PROJECTED_SPLAT.rgb + 1], r[PROJECTED_SPLAT.rgb + 2]]).toEqual([9, 10, 11]);
    expect(u[PROJECTED_SPLAT.tiles]).toBe(12);
    const g = new Float32Array(await readBuffer(device, grads, PROJECTED_GRAD.bytes, PROJECTED_GRAD.bytes));
    const G = PROJECTED_GRAD;
    expect([g[G.xy], g[G.xy + 1], g[G.conic], g[G.conic + 1], g[G.conic + 2], g[G.opacity]]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([g[G.rgb], g[G.rgb + 1], g[G.rgb + 2]]).toEqual([7, 8, 9]);
    expect(G.floats * 4).toBe(G.bytes);
    const t = new Float32Array(await readBuffer(device, tiles, TILE_RECORD.bytes, TILE_RECORD.bytes));
    const T = TILE_RECORD;
    expect([t[T.xy], t[T.xy + 1], t[T.conic], t[T.conic + 1], t[T.conic + 2], t[T.opacity]]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([t[T.rgb], t[T.rgb + 1], t[T.rgb + 2], new Uint32Array(t.buffer)[T.slot], t[T.extent], t[T.extent + 1]]).toEqual([7, 8, 9, 10, 11, 12]);
    uniform.destroy();
  });
});

/** Every StructLayout exported by src/kernels/layouts.ts. */
const STRUCTS = Object.values(layouts).filter((v): v is StructLayout => typeof v === 'object' && 'struct' in v && 'fields' in v);

/** The struct's own declaration, cut from the shader file that declares it (no copy in the test). */
function declaration(layout: StructLayout): string {
  const text = SHADER_SOURCES.get(layout.file);
  if (text === undefined) throw new Error(`shaders/${layout.file} not found`);
  const m = new RegExp(`^struct\\s+${layout.struct}\\s*\\{[^}]*\\}`, 'm').exec(text);
  if (!m) throw new Error(`shaders/${layout.file} declares no struct ${layout.struct}`);
  return m[0];
}

function wgslFieldNames(decl: string): string[] {
  const body = decl.slice(decl.indexOf('{') + 1).replace(/\/\/[^\n]*/g, '');
  return [...body.matchAll(/(\w+)\s*:/g)].map((m) => m[1]);
}

/** A probe copying every field, through a `let` of the field's declared type, into a flat u32 array. */
function probeShader(layout: StructLayout): string {
  const lines = [declaration(layout)];
  if (layout.binding === 'uniform') lines.push(`@group(0) @binding(0) var<uniform> rec: ${layout.struct};`);
  else lines.push(`@group(0) @binding(0) var<storage, read> recs: array<${layout.struct}>;`);
  lines.push('@group(0) @binding(1) var<storage, read_write> out: array<u32>;');
  lines.push('@compute @workgroup_size(1)', 'fn main() {', layout.binding === 'uniform' ? '  let s = rec;' : '  let s = recs[1];');
  let k = 0;
  for (const [name, f] of Object.entries(layout.fields)) {
    const type = f.len === 1 ? f.type : `vec${f.len}<${f.type}>`;
    const copies = Array.from({ length: f.len }, (_, i) => `out[${k + i}u] = bitcast<u32>(v${f.len === 1 ? '' : `[${i}]`});`);
    lines.push(`  { let v: ${type} = s.${name}; ${copies.join(' ')} }`);
    k += f.len;
  }
  lines.push('}');
  return lines.join('\n');
}

/** Distinct values per field word; `salt` makes a second record differ from the first. */
function probeValues(layout: StructLayout, salt: number): { values: StructValues<string>; bits: number[] } {
  const values: Record<string, number | number[]> = {};
  const bits: number[] = [];
  let k = 0;
  for (const [name, f] of Object.entries(layout.fields)) {
    const words: number[] = [];
    for (let i = 0; i < f.len; i++, k++) {
      const v = f.type === 'u32' ? salt * 1000 + 7 * k + 1 : salt * 1000 + k + 0.25;
      words.push(v);
      bits.push(f.type === 'u32' ? v : new Uint32Array(new Float32Array([v]).buffer)[0]);
    }
    values[name] = f.len === 1 ? words[0] : words;
  }
  return { values, bits };
}

describe('struct layouts: every field at the host offset WGSL reads', () => {
  it('lists every struct layout', () => {
    expect(STRUCTS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(STRUCTS.map((l) => [`${l.struct} (${l.file})`, l] as const))('%s', async (_, layout) => {
    const decl = declaration(layout);
    const declared = wgslFieldNames(decl).filter((n) => !n.startsWith('_'));
    expect(Object.keys(layout.fields).sort()).toEqual(declared.sort());
    const device = await getTestDevice();
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: `StructProbe.${layout.struct}`, code: probeShader(layout) });
    const info = await module.getCompilationInfo();
    expect(info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}: ${m.message}`)).toEqual([]);
    const groupLayout = bindGroupLayout(device, 'StructProbe.layout', [layout.binding === 'uniform' ? 'uniform' : 'read', 'rw']);
    const pipeline = device.createComputePipeline({
      label: `StructProbe.${layout.struct}`,
      layout: device.createPipelineLayout({ bindGroupLayouts: [groupLayout] }),
      compute: { module, entryPoint: 'main' },
    });
    const probe = probeValues(layout, 1);
    // A uniform buffer of exactly `bytes` fails validation if WGSL's struct is larger; a storage
    // record read at index 1 lands on the host's values only if the array stride is `bytes`.
    const records = layout.binding === 'uniform' ? 1 : 2;
    const data = new ArrayBuffer(records * layout.bytes);
    if (records === 2) packStruct(layout, probeValues(layout, 2).values, data, 0);
    packStruct(layout, probe.values, data, (records - 1) * layout.bytes);
    const input = createBufferWithData(device, 'StructProbe.input', new Uint8Array(data), layout.binding === 'uniform' ? 0x40 | 0x8 : STORAGE);
    const out = device.createBuffer({ label: 'StructProbe.out', size: Math.max(probe.bits.length, 4) * 4, usage: STORAGE });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindBuffers(device, 'StructProbe.bindings', groupLayout, [input, out]));
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([enc.finish()]);
    const error = await device.popErrorScope();
    expect(error?.message ?? null).toBeNull();
    const got = await readU32(device, out, probe.bits.length);
    const names = Object.entries(layout.fields).flatMap(([n, f]) => Array.from({ length: f.len }, (_, i) => (f.len === 1 ? n : `${n}[${i}]`)));
    const bad = names.filter((_, k) => got[k] !== probe.bits[k]).map((n) => `${layout.struct}.${n}`);
    expect(bad).toEqual([]);
    input.destroy();
    out.destroy();
  });
});
