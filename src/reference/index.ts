/** Float64 CPU reference renderer, forward and backward: the oracle the GPU kernels are tested against. */
export * from './constants';
export { referenceProject, projectSplat, cameraFrame, tileRect, type ProjectedSplat, type TileRect, type CameraFrame } from './project';
export { referenceTileLists, depthOrder, blendPixel, gaussPower, rasterize, type TileLists, type PixelBlend, type BlendStep, type RasterOutput } from './rasterize';
export { referenceRender, type ReferenceRender } from './render';
export { rasterizeBackward, type RasterGradients } from './rasterize-backward';
export { projectBackward, type GeometryGradient } from './project-backward';
export { shBackward, type ShGradient } from './sh-backward';
export { shBasis, shBasisGradient, SH_C0, SH_C1, SH_C2, SH_C3 } from './sh';
export { referenceBranchCounts, type BranchCounts } from './branches';
export { referenceBackward, type ReferenceGradients, type DensifyStats } from './backward';
export type { ReferenceScene, ReferenceOptions } from './types';
