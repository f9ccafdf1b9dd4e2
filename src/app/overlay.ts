/**
 * The page's HTML overlays: error/notice banner, load progress bar, scene line and drop zone.
 * Element ids are the ones in index.html; the end-to-end tests read them too.
 */

function must<T extends Element>(root: ParentNode, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`index.html: missing element ${selector}`);
  return el;
}

export class Overlay {
  private readonly banner: HTMLElement;
  private readonly bannerText: HTMLElement;
  private readonly bannerActions: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly progressLabel: HTMLElement;
  private readonly progressBar: HTMLElement;
  private readonly info: HTMLElement;
  private readonly dropZone: HTMLElement;

  constructor(root: ParentNode = document) {
    this.banner = must(root, '#banner');
    this.bannerText = must(this.banner, '.message');
    this.bannerActions = must(this.banner, '.actions');
    this.progress = must(root, '#progress');
    this.progressLabel = must(this.progress, '.label');
    this.progressBar = must(this.progress, '.bar');
    this.info = must(root, '#scene-info');
    this.dropZone = must(root, '#drop-zone');
    must<HTMLButtonElement>(this.banner, '.close').addEventListener('click', () => this.hideBanner());
  }

  /** Shows an error until dismissed or replaced. */
  error(message: string): void {
    this.showBanner(message, false);
  }

  /** Shows a non-fatal note (e.g. splats dropped while reading). */
  notice(message: string): void {
    this.showBanner(message, true);
  }

  /** A notice with buttons (e.g. "Resume"); a click runs the action and dismisses the banner. */
  offer(message: string, actions: { label: string; run: () => void }[]): void {
    this.showBanner(message, true);
    for (const a of actions) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = a.label;
      b.addEventListener('click', () => {
        this.hideBanner();
        a.run();
      });
      this.bannerActions.append(b);
    }
  }

  hideBanner(): void {
    this.banner.hidden = true;
  }

  /** `fraction` in [0, 1], or null when the total is unknown (indeterminate bar). */
  showProgress(label: string, fraction: number | null): void {
    this.progress.hidden = false;
    this.progressLabel.textContent = label;
    this.progress.classList.toggle('indeterminate', fraction === null);
    this.progressBar.style.width = fraction === null ? '' : `${(Math.min(1, Math.max(0, fraction)) * 100).toFixed(1)}%`;
  }

  hideProgress(): void {
    this.progress.hidden = true;
  }

  setSceneInfo(text: string): void {
    this.info.textContent = text;
  }

  showDropZone(show: boolean): void {
    this.dropZone.hidden = !show;
  }

  private showBanner(message: string, notice: boolean): void {
    this.bannerText.textContent = message;
    this.bannerActions.replaceChildren();
    this.banner.classList.toggle('notice', notice);
    this.banner.hidden = false;
  }
}
