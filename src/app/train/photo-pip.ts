/**
 * Picture-in-picture of a training photo: the one whose camera is nearest the current view,
 * shown at its training resolution next to the live render so the two can be compared (the
 * "Snap view to photo" button puts the render on exactly that camera).
 */
import type { View } from '../../io/colmap/dataset';

export class PhotoPip {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private shownView: View | undefined;

  constructor(parent: HTMLElement, onSnap: () => void) {
    this.element = document.createElement('div');
    this.element.id = 'train-photo';
    this.element.hidden = true;
    this.canvas = document.createElement('canvas');
    this.canvas.title = 'Nearest training photo; click to view from its camera';
    this.canvas.addEventListener('click', onSnap);
    this.caption = document.createElement('div');
    this.caption.className = 'caption';
    this.element.append(this.canvas, this.caption);
    parent.append(this.element);
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  setVisible(show: boolean): void {
    this.element.hidden = !show;
  }

  /** Shows `view`'s photo (converted once per change of photo). */
  show(view: View | undefined, label = ''): void {
    if (view !== this.shownView) {
      this.shownView = view;
      if (view) this.paint(view);
    }
    this.caption.textContent = view ? `${label}${view.name}` : '';
  }

  private paint(view: View): void {
    const { width, height } = view.camera;
    this.canvas.width = width;
    this.canvas.height = height;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    const src = view.image;
    const dst = img.data;
    // Training images hold the photo's 8-bit values divided by 255 (no colour conversion).
    for (let i = 0; i < dst.length; i++) dst[i] = Math.round(Math.min(1, Math.max(0, src[i])) * 255);
    ctx.putImageData(img, 0, 0);
  }
}
