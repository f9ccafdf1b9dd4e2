/**
 * GPU test device: Dawn on SwiftShader when no GPU is present. A missing adapter throws with a
 * message naming what to install (never a skip); uncaptured GPU errors fail the running test.
 */
import { afterEach } from 'vitest';
import type { GpuContext } from '../../src/gpu/device';
import { requestNodeDevice } from '../../src/gpu/node-gpu';

let ctx: Promise<GpuContext> | undefined;
const errors: string[] = [];

export async function getTestDevice(): Promise<GPUDevice> {
  if (!ctx) {
    ctx = requestNodeDevice({ onError: (m) => errors.push(m), dawnToggles: ['enable-dawn-features=disable_workgroup_init'] });
    afterEach(() => {
      if (errors.length > 0) {
        const all = errors.splice(0).join('\n');
        throw new Error(`uncaptured WebGPU error(s):\n${all}`);
      }
    });
  }
  return (await ctx).device;
}
