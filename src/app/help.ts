/**
 * First-minute help: the control hints shown until the user first moves the camera (remembered
 * in localStorage, so a returning user is not told again), and the `?` overlay listing every
 * control (its content is static HTML in index.html).
 */

import { isTypingTarget } from './input';

const HINTS_SEEN_KEY = 'splat-viewer.hints-seen';

function must<T extends Element>(selector: string): T {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`index.html: missing element ${selector}`);
  return el;
}

export class Help {
  private readonly dialog = must<HTMLElement>('#help');
  private readonly hints = must<HTMLElement>('#hints');
  private returnFocus: HTMLElement | null = null;

  constructor(canvas: HTMLCanvasElement) {
    must<HTMLButtonElement>('#help .close').addEventListener('click', () => this.show(false));
    // A click on the dimmed backdrop (outside the sheet) closes the help too.
    this.dialog.addEventListener('click', (e) => {
      if (e.target === this.dialog) this.show(false);
    });
    window.addEventListener('keydown', (e) => {
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') {
        this.show(!this.visible);
        e.preventDefault();
      } else if (e.key === 'Escape' && !this.dialog.hidden) {
        this.show(false);
      }
    });

    this.hints.classList.toggle('coarse', window.matchMedia?.('(pointer: coarse)').matches ?? false);
    if (!readFlag(HINTS_SEEN_KEY)) {
      this.hints.hidden = false;
      // Any use of the page (the canvas, the toolbar, the panel) shows the user found their way.
      const dismiss = (): void => this.dismissHints();
      window.addEventListener('pointerdown', dismiss, { once: true, capture: true });
      canvas.addEventListener('wheel', dismiss, { once: true, passive: true });
    }
  }

  get visible(): boolean {
    return !this.dialog.hidden;
  }

  show(visible: boolean): void {
    if (visible === !this.dialog.hidden) return;
    this.dialog.hidden = !visible;
    if (visible) {
      this.returnFocus = document.activeElement as HTMLElement | null;
      must<HTMLButtonElement>('#help .close').focus();
      this.dismissHints(); // the full list replaces the short one
    } else {
      this.returnFocus?.focus({ preventScroll: true });
    }
  }

  private dismissHints(): void {
    if (this.hints.hidden) return;
    this.hints.hidden = true;
    writeFlag(HINTS_SEEN_KEY);
  }
}

// Storage can be unavailable (private modes, sandboxed frames): hints then show on every load.
function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) !== null;
  } catch {
    return false;
  }
}

function writeFlag(key: string): void {
  try {
    localStorage.setItem(key, '1');
  } catch {
    /* not remembered: shown again next time */
  }
}
