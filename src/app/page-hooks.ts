/**
 * The viewer's automation hooks on `window` (src/app/viewer.ts sets them): what tests, the
 * benchmarks and the peers harness read from the page.
 */
import type { ViewPose } from '../view/view-camera';

declare global {
  interface Window {
    __ready?: boolean;
    __error?: string;
    /** Frames on the page (drawn and shown) since the page opened. */
    __frames?: number;
    /** The camera the view is going to (where the address bar would say, also without a link). */
    __cameraPose?: () => ViewPose;
    /** Frames rendered (submitted) since the page opened: lets a harness tell a page that stopped. */
    __renders?: number;
    /** The graphics API the page draws with (the peers harness reports it). */
    __api?: 'webgpu' | 'webgl2';
    /** How frames reach the page (present.ts): 'canvas (webgpu)', 'readback (webgl2)', 'readback (2d)'. */
    __present?: string;
    /** True while the live view of a training run is paced (live-pacing.ts). */
    __livePaced?: boolean;
  }
}

export {};
