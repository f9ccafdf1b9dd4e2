/**
 * Keeps the page going when its GPU device is lost (a driver reset, a crashed GPU process, a
 * background tab on some systems): a new device, the viewer's renderer rebuilt on it with its
 * scene uploaded again, and a training run continued from its last checkpoint, with a notice
 * saying what happened. Automation: `window.__gpuDevice()` is the device in use (a test
 * destroys it to simulate a loss).
 */
import type { GpuContext } from '../gpu/device';
import type { Overlay } from './overlay';
import type { Checkpointing } from './train/checkpointing';
import type { TrainingApp } from './train/train-app';
import type { Viewer } from './viewer';

declare global {
  interface Window {
    __gpuDevice?: () => GPUDevice;
  }
}

export interface RecoveryDeps {
  viewer: Viewer;
  train: TrainingApp;
  checkpoints: Checkpointing;
  overlay: Overlay;
  /** Asks the browser for a new device (the same request as at startup). */
  requestDevice(): Promise<GpuContext>;
}

export class DeviceRecovery {
  constructor(
    private gpu: GpuContext,
    private readonly deps: RecoveryDeps,
  ) {
    window.__gpuDevice = () => this.gpu.device;
    this.watch();
  }

  private watch(): void {
    const device = this.gpu.device;
    void device.lost.then((info) => {
      if (device === this.gpu.device) void this.recover(info);
    });
  }

  private async recover(info: GPUDeviceLostInfo): Promise<void> {
    const { viewer, train, checkpoints, overlay } = this.deps;
    const detail = info.message.replace(/\.\s*$/, '');
    const what = `The GPU device was lost (${info.reason}${detail ? `: ${detail}` : ''})`;
    console.warn(what);
    viewer.suspend();
    const wasActive = train.suspend();
    overlay.notice(`${what}; asking for a new one…`);
    try {
      this.gpu = await this.deps.requestDevice();
    } catch (e) {
      const message = `${what}, and no new one could be had (${(e as Error).message}). Reload the page.`;
      window.__error = message;
      overlay.error(message);
      return;
    }
    viewer.recreate(this.gpu);
    train.setDevice(this.gpu.device);
    this.watch();
    const rest = await checkpoints.recover(wasActive);
    // A step that saw the loss first may have reported it as a training error: it is handled.
    train.status.error = '';
    window.__error = undefined;
    train.status.recoveries++;
    overlay.notice(`${what}; a new one took over${rest}`);
  }
}
