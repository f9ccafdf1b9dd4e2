/**
 * The toolbar at the top left: what a first-time user needs without opening the settings
 * panel (Open, Train, Screenshot, Fullscreen, Help). The Train menu belongs to the training
 * page (train-menu.ts); this wires the rest.
 */

export interface ToolbarActions {
  onOpen(): void;
  onScreenshot(): void;
  onHelp(): void;
}

function button(id: string): HTMLButtonElement {
  const el = document.querySelector<HTMLButtonElement>(`#${id}`);
  if (!el) throw new Error(`index.html: missing #${id}`);
  return el;
}

export function wireToolbar(actions: ToolbarActions): void {
  button('open-button').addEventListener('click', () => actions.onOpen());
  button('screenshot-button').addEventListener('click', () => actions.onScreenshot());
  button('help-button').addEventListener('click', () => actions.onHelp());
  const fullscreen = button('fullscreen-button');
  // Embedded frames without allow="fullscreen" (and some phones) cannot go fullscreen.
  fullscreen.hidden = !document.fullscreenEnabled;
  const label = (): void => {
    const text = document.fullscreenElement ? 'Exit fullscreen' : 'Fullscreen';
    fullscreen.setAttribute('aria-label', text);
    fullscreen.title = text;
    const span = fullscreen.querySelector('.label');
    if (span) span.textContent = text;
  };
  document.addEventListener('fullscreenchange', label);
  fullscreen.addEventListener('click', () => {
    const done = document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen();
    done.catch((e: unknown) => console.warn(`fullscreen: ${(e as Error).message}`));
  });
}
