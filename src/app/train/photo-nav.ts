/**
 * The training photos as places to look from: the nearest photo shown beside the live view
 * (re-chosen as the camera moves), "snap view to photo", and a dataset's home view (its first
 * training camera, looking at the point cloud).
 */
import type { View } from '../../io/colmap/dataset';
import type { RobustBounds } from '../../view/scene-framing';
import type { ViewPose } from '../../view/view-camera';
import type { Viewer } from '../viewer';
import type { PhotoPip } from './photo-pip';
import { cameraPose, depthOf, nearestCamera } from './view-match';

/** What the photos come from: a loaded dataset's training views and framing. */
export interface PhotoSet {
  data: { train: View[]; extent: number };
  bounds: RobustBounds | null;
}

/** The nearest photo is re-chosen this often while shown (ms): a scan of the cameras is cheap. */
const PHOTO_REFRESH_MS = 200;

export class PhotoNav {
  private readonly pose: ViewPose = { eye: [0, 0, 0], target: [0, 0, 1], up: [0, -1, 0], fovY: 50 };

  constructor(
    private readonly viewer: Viewer,
    private readonly pip: PhotoPip,
    /** The photos to use now: the run's dataset, else the loaded one. */
    private readonly photos: () => PhotoSet | undefined,
  ) {
    setInterval(() => this.refresh(), PHOTO_REFRESH_MS);
  }

  snap(): void {
    const p = this.photos();
    const view = this.nearest();
    if (!p || !view) return;
    this.viewer.setViewPose(cameraPose(view.camera, focusDistance(view.camera, p)), true);
  }

  /** The first training camera, looking at the point cloud: the scene as photographed. */
  static home(d: PhotoSet): ViewPose {
    const cam = d.data.train[0].camera;
    return cameraPose(cam, focusDistance(cam, d));
  }

  private nearest(): View | undefined {
    const p = this.photos();
    if (!p) return undefined;
    const i = nearestCamera(p.data.train.map((v) => v.camera), this.viewer.controller.getGoalPose(this.pose), p.data.extent);
    return p.data.train[i];
  }

  private refresh(): void {
    if (this.pip.visible) this.pip.show(this.nearest(), 'nearest photo: ');
  }
}

/** How far ahead of a camera the orbit centre goes: the point cloud's centre when it is in front. */
function focusDistance(camera: View['camera'], d: PhotoSet): number {
  const depth = d.bounds ? depthOf(camera, d.bounds.centre) : NaN;
  return depth > 0 ? depth : Math.max(d.data.extent, 1e-3);
}
