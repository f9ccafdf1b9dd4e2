/**
 * The viewer compiles its sorted path's pipelines ahead of its first frame with the async calls
 * (src/gpu/compile-ahead.ts), so that the first frame's own creations find them in Dawn's
 * pipeline cache instead of compiling on the thread that composites the page. That only works if
 * every pipeline the first frame makes was compiled ahead with the very same descriptor: this
 * records both, on both kernel shapes.
 */
import { describe, expect, it, vi } from 'vitest';
import { compileAhead } from '../../src/gpu/compile-ahead';
import { CPU_SHAPES, GPU_SHAPES, type KernelShapes } from '../../src/gpu/kernel-shapes';
import { SplatRenderer } from '../../src/render/splat-renderer';
import { getTestDevice } from '../helpers/gpu';
import { recordingDevice } from '../helpers/recording-device';
import { randomScene, testCamera } from '../helpers/scenes';

describe('pipelines compiled ahead of the first frame', () => {
  for (const [name, shapes] of [['CPU', CPU_SHAPES], ['GPU', GPU_SHAPES]] as [string, KernelShapes][]) {
    it(`the first sorted frame makes exactly the pipelines compiled ahead, descriptor for descriptor (${name} shapes)`, async () => {
      const rec = recordingDevice(await getTestDevice());
      const renderer = new SplatRenderer(rec.device, { shapes });
      await renderer.compileAhead('rgba8unorm');
      expect(rec.made.sync).toEqual([]); // nothing compiled on the spot
      const cam = testCamera(48, 32);
      renderer.setScene(randomScene(cam, { count: 50, shDegree: 1, seed: 3 }));
      const image = await renderer.renderSortedToImage(cam, { shDegree: 1, splatScale: 1, background: [0, 0, 0] }, 'rgba8unorm');
      expect(image.some((v) => v > 0)).toBe(true); // the frame drew splats
      // The sorted path: projection, the sort's passes, the draw arguments, and the draw.
      expect(rec.made.async.length).toBeGreaterThanOrEqual(4);
      expect(rec.made.async.filter((k) => k.startsWith('createRenderPipeline '))).toHaveLength(1);
      console.log(`[compile ahead] ${name} shapes: ${rec.made.async.length} pipelines`);
      expect([...rec.made.sync].sort()).toEqual([...rec.made.async].sort());
      renderer.destroy();
    });
  }

  it('build gets placeholders, not pipelines; a pipeline that fails ahead fails nothing there', async () => {
    const device = await getTestDevice();
    let placeholder: unknown;
    device.pushErrorScope('validation');
    await compileAhead(device, (ahead) => {
      const layout = ahead.createPipelineLayout({ bindGroupLayouts: [] });
      // No entry point of that name: the async call rejects; compileAhead still resolves.
      placeholder = ahead.createComputePipeline({ layout, compute: { module: ahead.createShaderModule({ code: '@compute @workgroup_size(1) fn main() {}' }), entryPoint: 'nope' } });
    });
    await device.popErrorScope();
    expect(String((placeholder as { label: string }).label)).toMatch(/placeholder/);
  });

  it('a build that throws (a constructor that used a placeholder) still resolves, with what it issued compiled', async () => {
    const rec = recordingDevice(await getTestDevice());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await compileAhead(rec.device, (ahead) => {
      ahead.createComputePipeline({ layout: 'auto', compute: { module: ahead.createShaderModule({ code: '@compute @workgroup_size(1) fn main() {}' }), entryPoint: 'main' } });
      throw new Error('used a placeholder');
    });
    expect(warn).toHaveBeenCalledWith('compileAhead: used a placeholder');
    warn.mockRestore();
    expect(rec.made.async).toHaveLength(1);
    expect(rec.made.sync).toEqual([]);
  });
});
