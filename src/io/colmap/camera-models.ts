/**
 * COLMAP's camera model table (`src/colmap/sensor/models.h`): id as stored in `cameras.bin`,
 * name as written in `cameras.txt`, and parameter names in storage order. The parameter count
 * is what the binary reader needs to step over a record, so every model is listed even though
 * only the pinhole and OpenCV-family models are used for training.
 * Ids 0-11 are the long-standing models; 12-16 were added in COLMAP 3.12+ and are taken from
 * `doc/cameras.rst` and third-party readers (see 3dgs-reference.md §8.5).
 */
export interface CameraModel {
  id: number;
  name: string;
  params: readonly string[];
}

export const CAMERA_MODELS: readonly CameraModel[] = [
  { id: 0, name: 'SIMPLE_PINHOLE', params: ['f', 'cx', 'cy'] },
  { id: 1, name: 'PINHOLE', params: ['fx', 'fy', 'cx', 'cy'] },
  { id: 2, name: 'SIMPLE_RADIAL', params: ['f', 'cx', 'cy', 'k'] },
  { id: 3, name: 'RADIAL', params: ['f', 'cx', 'cy', 'k1', 'k2'] },
  { id: 4, name: 'OPENCV', params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'p1', 'p2'] },
  { id: 5, name: 'OPENCV_FISHEYE', params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'k3', 'k4'] },
  {
    id: 6,
    name: 'FULL_OPENCV',
    params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'p1', 'p2', 'k3', 'k4', 'k5', 'k6'],
  },
  { id: 7, name: 'FOV', params: ['fx', 'fy', 'cx', 'cy', 'omega'] },
  { id: 8, name: 'SIMPLE_RADIAL_FISHEYE', params: ['f', 'cx', 'cy', 'k'] },
  { id: 9, name: 'RADIAL_FISHEYE', params: ['f', 'cx', 'cy', 'k1', 'k2'] },
  {
    id: 10,
    name: 'THIN_PRISM_FISHEYE',
    params: ['fx', 'fy', 'cx', 'cy', 'k1', 'k2', 'p1', 'p2', 'k3', 'k4', 'sx1', 'sy1'],
  },
  {
    id: 11,
    name: 'RAD_TAN_THIN_PRISM_FISHEYE',
    params: ['fx', 'fy', 'cx', 'cy', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'p0', 'p1', 's0', 's1', 's2', 's3'],
  },
  { id: 12, name: 'SIMPLE_DIVISION', params: ['f', 'cx', 'cy', 'k'] },
  { id: 13, name: 'DIVISION', params: ['fx', 'fy', 'cx', 'cy', 'k'] },
  { id: 14, name: 'SIMPLE_FISHEYE', params: ['f', 'cx', 'cy'] },
  { id: 15, name: 'FISHEYE', params: ['fx', 'fy', 'cx', 'cy'] },
  { id: 16, name: 'EUCM', params: ['fx', 'fy', 'cx', 'cy', 'alpha', 'beta'] },
];

const byId = new Map(CAMERA_MODELS.map((m) => [m.id, m]));
const byName = new Map(CAMERA_MODELS.map((m) => [m.name, m]));

export function cameraModelById(id: number): CameraModel | undefined {
  return byId.get(id);
}

export function cameraModelByName(name: string): CameraModel | undefined {
  return byName.get(name.toUpperCase());
}

/** Models the trainer renders directly, without touching the image. */
export const PINHOLE_MODELS: ReadonlySet<string> = new Set(['SIMPLE_PINHOLE', 'PINHOLE']);

/** Models whose images are remapped to a pinhole camera at load (see undistort.ts). */
export const UNDISTORTED_MODELS: ReadonlySet<string> = new Set(['SIMPLE_RADIAL', 'RADIAL', 'OPENCV']);
