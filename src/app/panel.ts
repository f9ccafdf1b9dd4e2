/**
 * The tweakpane settings panel: statistics, render options and scene actions. It edits a
 * `ViewerSettings` object in place and reports actions through callbacks; it owns no state of
 * its own beyond the bindings.
 */
import { Pane, type BladeApi, type FolderApi } from 'tweakpane';
import { colourHex, hexColour } from './colour-hex';

export interface ViewerSettings {
  /** Active SH degree, 0..scene maximum. */
  shDegree: number;
  /** Multiplies every splat's scale. Default 1. */
  splatScale: number;
  /** Background colour, 0..1 per channel. Default black. */
  background: { r: number; g: number; b: number };
  /** Render resolution relative to the canvas' device pixels. Default 1. */
  resolutionScale: number;
  /** True when the scene's up is +y (flips the COLMAP default, -y). */
  yUp: boolean;
  /**
   * Draw with the tile rasterizer training uses (exact float blending, the CLI's images) instead
   * of depth-sorted quads blended by the hardware. Default false (the quads are far faster).
   */
  exact: boolean;
  /** Auto-rotate speed about the up axis, degrees per second (0: still). Link parameter `spin`. */
  spin: number;
}

export function defaultSettings(): ViewerSettings {
  return { shDegree: 3, splatScale: 1, background: { r: 0, g: 0, b: 0 }, resolutionScale: 1, yUp: false, exact: false, spin: 0 };
}

/** Read-only numbers the panel polls. */
export interface ViewerStats {
  fps: number;
  frameMs: number;
  splats: number;
  intersections: number;
}

export interface PanelCallbacks {
  /** A render setting changed (the frame loop reads the settings object every frame). */
  onSettingsChange(key: keyof ViewerSettings): void;
  onOpenFile(): void;
  onDownload(format: string): void;
  onFrame(): void;
  onReset(): void;
}

export class ViewerPanel {
  private readonly pane: Pane;
  private readonly sceneFolder: FolderApi;
  private shBinding: BladeApi | undefined;
  private readonly download = { format: 'ply' };

  constructor(
    container: HTMLElement | undefined,
    private readonly settings: ViewerSettings,
    readonly stats: ViewerStats,
    private readonly callbacks: PanelCallbacks,
    downloadFormats: string[],
  ) {
    // Folded on small screens (phones, the 256 px test viewport) so it does not hide the scene.
    this.pane = new Pane({ container, title: 'Splat viewer', expanded: window.innerWidth >= 600 });
    const fmt1 = (v: number): string => v.toFixed(1);
    const statsFolder = this.pane.addFolder({ title: 'Stats' });
    statsFolder.addBinding(stats, 'fps', { readonly: true, format: fmt1, label: 'fps' });
    statsFolder.addBinding(stats, 'frameMs', { readonly: true, format: fmt1, label: 'frame ms' });
    statsFolder.addBinding(stats, 'splats', { readonly: true, format: (v: number) => Math.round(v).toLocaleString('en-US'), label: 'splats' });
    // Only the tile rasterizer has tile pairs: the sorted quads would always read 0.
    const tilePairs = statsFolder.addBinding(stats, 'intersections', {
      readonly: true,
      format: (v: number) => Math.round(v).toLocaleString('en-US'),
      label: 'tile pairs',
      hidden: !settings.exact,
    });

    const view = this.pane.addFolder({ title: 'View' });
    const changed = (key: keyof ViewerSettings) => () => callbacks.onSettingsChange(key);
    view.addBinding(settings, 'splatScale', { min: 0.05, max: 2, step: 0.01, label: 'splat scale' }).on('change', changed('splatScale'));
    // Shown and edited as #rrggbb (tweakpane writes a float colour object out as "{r: 0.00, ...}").
    // tweakpane reads "#rrggbb" as a colour with a picker and reverts text that is no colour.
    const bg = { hex: colourHex(settings.background) };
    view.addBinding(bg, 'hex', { label: 'background' }).on('change', (ev) => {
      const colour = hexColour(ev.value);
      if (!colour) return;
      settings.background = colour;
      changed('background')();
    });
    view
      .addBinding(settings, 'resolutionScale', { min: 0.25, max: 2, step: 0.05, label: 'resolution' })
      .on('change', changed('resolutionScale'));
    view.addBinding(settings, 'yUp', { label: 'y-up scene' }).on('change', changed('yUp'));
    view.addBinding(settings, 'exact', { label: 'exact (tiles)' }).on('change', () => {
      tilePairs.hidden = !settings.exact;
      callbacks.onSettingsChange('exact');
    });
    view.addBinding(settings, 'spin', { min: -90, max: 90, step: 5, label: 'auto-rotate °/s' }).on('change', changed('spin'));
    view.addButton({ title: 'Frame scene (F)' }).on('click', () => callbacks.onFrame());
    view.addButton({ title: 'Reset view (R)' }).on('click', () => callbacks.onReset());

    this.sceneFolder = this.pane.addFolder({ title: 'Scene' });
    this.setMaxShDegree(3);
    this.sceneFolder.addButton({ title: 'Open file…' }).on('click', () => callbacks.onOpenFile());
    const options = Object.fromEntries(downloadFormats.map((f) => [f, f]));
    this.sceneFolder.addBinding(this.download, 'format', { options, label: 'format' });
    this.sceneFolder.addButton({ title: 'Download as' }).on('click', () => callbacks.onDownload(this.download.format));
  }

  /** Rebuilds the SH degree slider for a scene whose file holds degrees 0..max. */
  setMaxShDegree(max: number): void {
    this.settings.shDegree = Math.min(this.settings.shDegree, max);
    this.shBinding?.dispose();
    // A zero-width slider range is degenerate; a degree-0 file shows a fixed, disabled 0.
    const range = max > 0 ? { min: 0, max } : {};
    const binding = this.sceneFolder.addBinding(this.settings, 'shDegree', { ...range, step: 1, label: 'SH degree', index: 0 });
    binding.on('change', () => this.callbacks.onSettingsChange('shDegree'));
    binding.disabled = max === 0;
    this.shBinding = binding;
  }

  /** A folder for another feature's controls (the Train panel), below the viewer's own. */
  addFolder(title: string): FolderApi {
    return this.pane.addFolder({ title });
  }

  /** CSS pixels at the right edge of the window that the expanded panel covers; 0 when folded. */
  coveredWidth(): number {
    if (!this.pane.expanded) return 0;
    return Math.max(0, window.innerWidth - this.pane.element.getBoundingClientRect().left);
  }

  /** Re-reads every bound value (after the viewer changed settings itself). */
  refresh(): void {
    this.pane.refresh();
  }

  dispose(): void {
    this.pane.dispose();
  }
}
