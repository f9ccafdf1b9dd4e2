/**
 * Cameras and a training set for the synthetic scenes of bench/synthetic.ts (splats filling the
 * view of a camera at the origin looking down +z, depths 2..10): cameras turned about the slab's
 * centre, and a dataset whose targets are another synthetic scene rendered from those cameras.
 * For speed measurements at sizes no capture here has (1M splats at 1 MP): what the splats and
 * images are changes little of a step's cost, their counts and sizes do.
 */
import { lookAtCamera, type Camera } from '../src/io/camera';
import type { ColmapDataset, View } from '../src/io/colmap/dataset';
import { SplatRenderer } from '../src/render/splat-renderer';
import { syntheticScene } from './synthetic';

/** Centre of the synthetic slab (depths 2..10 in front of the origin). */
const CENTRE = [0, 0, 6];

/**
 * The synthetic camera (focal 0.8 x width, at the origin) turned by `degrees` about the vertical
 * axis through the slab's centre: every turn changes every splat's depth, so a viewer frame at
 * a new angle projects and sorts everything again.
 */
export function turnedCamera(width: number, height: number, degrees: number): Camera {
  const a = (degrees * Math.PI) / 180;
  const eye = [CENTRE[0] - CENTRE[2] * Math.sin(a), CENTRE[1], CENTRE[2] - CENTRE[2] * Math.cos(a)];
  const fovY = (2 * Math.atan(height / 2 / (0.8 * width)) * 180) / Math.PI;
  return { ...lookAtCamera(eye, CENTRE, [0, -1, 0], width, height, fovY), near: 0.1 };
}

/**
 * A training set of `views` cameras turned -6..6 degrees, each target the exact render of a
 * synthetic scene of `splats` splats (seed `seed`) on black, alpha 1.
 */
export async function syntheticDataset(device: GPUDevice, splats: number, width: number, height: number, views: number, seed: number): Promise<ColmapDataset> {
  const { scene } = syntheticScene(splats, width, height, 3, seed);
  const renderer = new SplatRenderer(device);
  renderer.setScene(scene);
  const train: View[] = [];
  for (let v = 0; v < views; v++) {
    const camera = turnedCamera(width, height, views > 1 ? -6 + (12 * v) / (views - 1) : 0);
    const image = await renderer.renderToImage(camera, { shDegree: 3, splatScale: 1, background: [0, 0, 0] });
    for (let i = 3; i < image.length; i += 4) image[i] = 1;
    train.push({ name: `synthetic-${v}.png`, camera, image });
  }
  renderer.destroy();
  const points = { xyz: scene.means.slice(0, 3 * Math.min(splats, 1000)), rgb: new Uint8Array(3 * Math.min(splats, 1000)).fill(128) };
  // The slab's size, not the camera spread: the means' learning rate and the world-size prune scale with it.
  return { train, test: [], points, extent: 5, notices: [] };
}
