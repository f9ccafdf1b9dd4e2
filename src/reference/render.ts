/** Reference forward render: projection (project.ts) followed by tile compositing (rasterize.ts). */
import type { Camera } from '../io/camera';
import { referenceProject, type ProjectedSplat } from './project';
import { rasterize, type RasterOutput } from './rasterize';
import { resolveOptions, type ReferenceOptions, type ReferenceScene } from './types';

export interface ReferenceRender extends RasterOutput {
  /** Per-splat projection records the image was composited from. */
  projected: ProjectedSplat[];
}

export function referenceRender(scene: ReferenceScene, camera: Camera, opts: ReferenceOptions = {}): ReferenceRender {
  const o = resolveOptions(scene, camera, opts, 'referenceRender');
  const projected = referenceProject(scene, camera, o);
  return { ...rasterize(projected, camera.width, camera.height, o.background), projected };
}
