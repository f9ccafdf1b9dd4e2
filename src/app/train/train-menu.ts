/**
 * The toolbar's Train menu: the first-minute way into training. The sample with one click per
 * preset, each with its estimated time on this machine, and the pickers for the user's own
 * COLMAP export. The Train panel holds the details (settings, progress, run buttons).
 */
import { PRESET_NAMES, PRESETS, type PresetName } from './presets';

export interface TrainMenuCallbacks {
  trainSample(preset: PresetName): void;
  pickFolder(): void;
  pickZip(): void;
  /** Estimated run time text for a preset on the sample ("about 3m20s"). */
  sampleEstimate(preset: PresetName): string;
}

const RESOLUTION_TEXT: Record<number, string> = { 0: 'full size', 2: '1/2 size', 4: '1/4 size', 8: '1/8 size' };

export class TrainMenu {
  private readonly menu: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly estimates = new Map<PresetName, HTMLElement>();

  constructor(
    sampleLabel: string,
    private readonly callbacks: TrainMenuCallbacks,
  ) {
    const menu = document.querySelector<HTMLElement>('#train-menu');
    const button = document.querySelector<HTMLButtonElement>('#train-button');
    if (!menu || !button) throw new Error('index.html: missing #train-menu or #train-button');
    this.menu = menu;
    this.button = button;
    const heading = (text: string): HTMLElement => el('div', 'heading', text);
    const presets = el('div', 'presets');
    for (const name of PRESET_NAMES) {
      const p = PRESETS[name];
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.preset = name;
      b.setAttribute('role', 'menuitem');
      const estimate = el('small', 'estimate', '');
      this.estimates.set(name, estimate);
      b.append(el('span', 'name', p.label), el('small', '', `${p.iterations.toLocaleString('en-US')} steps, ${RESOLUTION_TEXT[p.resolution] ?? `1/${p.resolution}`}`), estimate);
      b.addEventListener('click', () => this.run(() => callbacks.trainSample(name)));
      presets.append(b);
    }
    const own = el('div', 'own');
    own.append(
      this.item('Open COLMAP folder…', () => callbacks.pickFolder()),
      this.item('Open COLMAP .zip…', () => callbacks.pickZip()),
    );
    this.menu.append(
      heading(`Train the sample: ${sampleLabel}`),
      presets,
      heading('Or your own photos: a COLMAP export (images/ and sparse/0/), as a folder or a .zip'),
      own,
      el('p', 'foot', 'Or drop it on the page. It trains with the preset chosen in the Train panel, where the settings and progress are.'),
    );
    this.button.addEventListener('click', () => this.show(this.menu.hidden === true));
    // Any click elsewhere, or Escape, closes the menu.
    document.addEventListener('pointerdown', (e) => {
      const t = e.target as Node;
      if (!this.menu.hidden && !this.menu.contains(t) && !this.button.contains(t)) this.show(false);
    });
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.menu.hidden) this.show(false);
    });
  }

  show(visible: boolean): void {
    if (visible) for (const [name, estimate] of this.estimates) estimate.textContent = this.callbacks.sampleEstimate(name);
    this.menu.hidden = !visible;
    this.button.setAttribute('aria-expanded', String(visible));
  }

  private item(title: string, action: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute('role', 'menuitem');
    b.textContent = title;
    b.addEventListener('click', () => this.run(action));
    return b;
  }

  private run(action: () => void): void {
    this.show(false);
    action();
  }
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
