/**
 * DOM input to camera motion: mouse (left drag orbit, right/middle or shift drag pan, wheel
 * zoom, double-click orbit centre), touch (one finger orbit, two fingers pan and pinch) and
 * keys (WASD/QE fly, F frame, R reset). All distances are CSS pixels.
 */
import type { OrbitController } from './orbit-controller';

export interface InputCallbacks {
  /** Double-click or double-tap at CSS pixel (x, y) inside the canvas. */
  onPick(x: number, y: number): void;
  onFrame(): void;
  onReset(): void;
  /** Any user camera input (stops a pending programmatic glide from fighting the user). */
  onInteract?(): void;
}

/** Zoom factor per wheel pixel: 100 px (one notch in most browsers) zooms by e^0.15. */
const WHEEL_ZOOM = 0.0015;
/** deltaMode 1 (lines) and 2 (pages) in pixels. */
const WHEEL_UNIT = [1, 16, 400];
const FLY_KEYS: Record<string, ['forward' | 'right' | 'up', number]> = {
  KeyW: ['forward', 1],
  KeyS: ['forward', -1],
  KeyD: ['right', 1],
  KeyA: ['right', -1],
  KeyE: ['up', 1],
  KeyQ: ['up', -1],
};

type Mode = 'orbit' | 'pan' | 'touch';

export class CameraInput {
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private mode: Mode | null = null;
  private readonly held = new Set<string>();
  private lastTap = { time: 0, x: 0, y: 0 };
  private readonly abort = new AbortController();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly controller: OrbitController,
    private readonly callbacks: InputCallbacks,
  ) {
    const opts = { signal: this.abort.signal };
    canvas.addEventListener('pointerdown', this.onPointerDown, opts);
    canvas.addEventListener('pointermove', this.onPointerMove, opts);
    canvas.addEventListener('pointerup', this.onPointerUp, opts);
    canvas.addEventListener('pointercancel', this.onPointerUp, opts);
    canvas.addEventListener('wheel', this.onWheel, { ...opts, passive: false });
    canvas.addEventListener('contextmenu', (e) => e.preventDefault(), opts);
    canvas.addEventListener('dblclick', this.onDoubleClick, opts);
    window.addEventListener('keydown', this.onKeyDown, opts);
    window.addEventListener('keyup', this.onKeyUp, opts);
    window.addEventListener('blur', this.releaseKeys, opts);
  }

  destroy(): void {
    this.abort.abort();
    this.releaseKeys();
  }

  private local(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private readonly onPointerDown = (e: PointerEvent): void => {
    this.canvas.setPointerCapture(e.pointerId);
    this.canvas.focus({ preventScroll: true });
    this.pointers.set(e.pointerId, this.local(e));
    if (e.pointerType === 'touch') {
      this.mode = 'touch';
      if (this.pointers.size === 1) this.detectDoubleTap(e);
    } else {
      this.mode = e.button === 0 && !e.shiftKey ? 'orbit' : 'pan';
    }
    this.callbacks.onInteract?.();
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    const prev = this.pointers.get(e.pointerId);
    if (!prev || this.mode === null) return;
    const p = this.local(e);
    if (this.mode === 'touch' && this.pointers.size >= 2) {
      this.twoFingerMove(e.pointerId, p);
      return;
    }
    this.pointers.set(e.pointerId, p);
    const dx = p.x - prev.x;
    const dy = p.y - prev.y;
    if (dx === 0 && dy === 0) return;
    if (this.mode === 'pan') this.controller.pan(dx, dy, this.canvas.clientHeight || 1);
    else this.controller.orbit(dx, dy);
    this.callbacks.onInteract?.();
  };

  /** Pan by the centroid's motion and zoom by the change of finger spread. */
  private twoFingerMove(id: number, p: { x: number; y: number }): void {
    const [a, b] = [...this.pointers.entries()].slice(0, 2);
    const before = { c: midpoint(a[1], b[1]), d: distance(a[1], b[1]) };
    this.pointers.set(id, p);
    const a2 = this.pointers.get(a[0])!;
    const b2 = this.pointers.get(b[0])!;
    const c = midpoint(a2, b2);
    const d = distance(a2, b2);
    this.controller.pan(c.x - before.c.x, c.y - before.c.y, this.canvas.clientHeight || 1);
    if (d > 1 && before.d > 1) this.controller.zoom(before.d / d);
    this.callbacks.onInteract?.();
  }

  private readonly onPointerUp = (e: PointerEvent): void => {
    this.pointers.delete(e.pointerId);
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    if (this.pointers.size === 0) this.mode = null;
  };

  private readonly onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const px = e.deltaY * (WHEEL_UNIT[e.deltaMode] ?? 1);
    // Cap one event so a fast trackpad flick cannot jump by orders of magnitude.
    this.controller.zoom(Math.exp(Math.max(-300, Math.min(300, px)) * WHEEL_ZOOM));
    this.callbacks.onInteract?.();
  };

  private readonly onDoubleClick = (e: MouseEvent): void => {
    const p = this.local(e);
    this.callbacks.onPick(p.x, p.y);
  };

  private detectDoubleTap(e: PointerEvent): void {
    const p = this.local(e);
    const now = performance.now();
    if (now - this.lastTap.time < 300 && distance(p, this.lastTap) < 20) {
      this.callbacks.onPick(p.x, p.y);
      this.lastTap.time = 0;
    } else {
      this.lastTap = { time: now, x: p.x, y: p.y };
    }
  }

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.code in FLY_KEYS) {
      this.held.add(e.code);
      this.updateFly();
      this.callbacks.onInteract?.();
      e.preventDefault();
    } else if (e.code === 'KeyF' && !e.repeat) {
      this.callbacks.onFrame();
    } else if (e.code === 'KeyR' && !e.repeat) {
      this.callbacks.onReset();
    }
  };

  private readonly onKeyUp = (e: KeyboardEvent): void => {
    if (this.held.delete(e.code)) this.updateFly();
  };

  private readonly releaseKeys = (): void => {
    this.held.clear();
    this.updateFly();
  };

  private updateFly(): void {
    const fly = this.controller.fly;
    fly.forward = fly.right = fly.up = 0;
    for (const code of this.held) {
      const [axis, sign] = FLY_KEYS[code];
      fly[axis] += sign;
    }
  }
}

/** True when a key event goes to a form field (typing, not a shortcut). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

function midpoint(a: { x: number; y: number }, b: { x: number; y: number }): { x: number; y: number } {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
