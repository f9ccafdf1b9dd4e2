import { describe, expect, it } from 'vitest';
import probeSource from './layout-probe.wgsl?raw';
import { SHADER_SOURCES, composeWgsl } from '../../src/gpu/wgsl';
import { PROJECTED_SPLAT, CAMERA_UNIFORM_BYTES } from '../../src/kernels/layouts';
import { CameraUniform, cameraBindGroupLayout } from '../../src/kernels/camera-uniform';
import { bindBuffers, bindGroupLayout } from '../../src/gpu/pipeline';
import { STORAGE, readBuffer } from '../../src/gpu/buffers';
import { getTestDevice } from '../helpers/gpu';

describe('struct layouts shared by TS and WGSL', () => {
  it('camera uniform and projected-splat offsets match what WGSL reads and writes', async () => {
    const device = await getTestDevice();
    const sources = new Map(SHADER_SOURCES);
    sources.set('probe.wgsl', probeSource);
    const module = device.createShaderModule({ label: 'LayoutProbe', code: composeWgsl('probe.wgsl', sources) });
    const camLayout = cameraBindGroupLayout(device);
    const layout = bindGroupLayout(device, 'LayoutProbe.layout', ['rw', 'rw']);
    const pipeline = device.createComputePipeline({
      label: 'LayoutProbe',
      layout: device.createPipelineLayout({ bindGroupLayouts: [camLayout, layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const uniform = new CameraUniform(device);
    expect(uniform.buffer.size).toBe(CAMERA_UNIFORM_BYTES);
    uniform.write(
      { width: 100, height: 70, fx: 50, fy: 60, cx: 49, cy: 33, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0.5, 0.25, 2] },
      { count: 17, shDegree: 2, shCoeffs: 9, splatScale: 1.5, background: [0.1, 0.2, 0.3], antialias: true },
    );
    const out = device.createBuffer({ size: 64, usage: STORAGE });
    const rec = device.createBuffer({ size: PROJECTED_SPLAT.bytes * 2, usage: STORAGE });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindBuffers(device, 'cam', camLayout, [uniform.buffer]));
    pass.setBindGroup(1, bindBuffers(device, 'probe', layout, [out, rec]));
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([enc.finish()]);
    const f = new Float32Array(await readBuffer(device, out, 48));
    // Jacobian clamp max on x/z: (1.15 W - cx) / fx; tiles_y = ceil(70 / 16) = 5.
    const expected = [1, 1, 1, 2, -0.25, 33, (1.15 * 100 - 49) / 50, 0.3, 5, 1.5, 9, 1];
    for (let i = 0; i < expected.length; i++) expect(f[i]).toBeCloseTo(expected[i], 5);
    const r = new Float32Array(await readBuffer(device, rec, PROJECTED_SPLAT.bytes, PROJECTED_SPLAT.bytes));
    const u = new Uint32Array(r.buffer);
    expect([r[PROJECTED_SPLAT.xy], r[PROJECTED_SPLAT.xy + 1], r[PROJECTED_SPLAT.comp], r[PROJECTED_SPLAT.opacity]]).toEqual([1, 2, 3, 4]);
    expect([r[PROJECTED_SPLAT.conic], r[PROJECTED_SPLAT.conic + 1], r[PROJECTED_SPLAT.conic + 2], r[PROJECTED_SPLAT.radius]]).toEqual([5, 6, 7, 8]);
    expect([r[PROJECTED_SPLAT.rgb], r[PROJECTED_SPLAT.rgb + 1], r[PROJECTED_SPLAT.rgb + 2]]).toEqual([9, 10, 11]);
    expect(u[PROJECTED_SPLAT.tiles]).toBe(12);
    uniform.destroy();
  });
});
