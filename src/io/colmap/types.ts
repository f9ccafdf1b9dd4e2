import { SceneFormatError } from '../scene';

/** One entry of `cameras.{bin,txt}`; `params` in the order of the model's table row. */
export interface ColmapCamera {
  id: number;
  /** Model name as COLMAP spells it, e.g. 'PINHOLE'. */
  model: string;
  width: number;
  height: number;
  params: number[];
}

/** One registered image of `images.{bin,txt}`; its 2D observations are parsed past, not kept. */
export interface ColmapImage {
  id: number;
  /** Path relative to the `images/` folder, may contain subfolders. */
  name: string;
  /** [4] camera-from-world rotation quaternion, Hamilton, w first. */
  qvec: number[];
  /** [3] camera-from-world translation. */
  tvec: number[];
  cameraId: number;
}

/** The sparse point cloud of `points3D.{bin,txt}`; errors and tracks are dropped. */
export interface ColmapPoints {
  /** [P, 3] f32 world positions. */
  xyz: Float32Array;
  /** [P, 3] u8 colours. */
  rgb: Uint8Array;
}

/**
 * Anything wrong with a COLMAP export. It is a SceneFormatError so a UI that already reports
 * those reports this one the same way; the message names the file and the problem.
 */
export class ColmapError extends SceneFormatError {
  override name = 'ColmapError';
  constructor(file: string, problem: string) {
    super(file, 'COLMAP', problem);
  }
}
