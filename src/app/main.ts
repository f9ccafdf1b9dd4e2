/**
 * Page entry: gets the WebGPU device, starts the viewer and opens the scene of the link
 * (`?url=`) or the embedded default, and wires the toolbar, the help, the file button and drag
 * and drop (COLMAP datasets to the Train panel, scene files to the viewer).
 */
import './viewer.css';
import defaultSceneUrl from '../../scenes/playbot-31000.ply?url';
import { requestBrowserDevice, type GpuContext } from '../gpu/device';
import { DeviceRecovery } from './device-recovery';
import { Help } from './help';
import { Overlay } from './overlay';
import { wireToolbar } from './toolbar';
import { openCheckpointStore } from './train/checkpoint-store';
import { Checkpointing } from './train/checkpointing';
import { TrainingApp } from './train/train-app';
import { COLMAP_UP, DEFAULT_FOV_Y } from '../view/view-camera';
import { parseViewParams, poseFromParams } from '../view/view-url';
import { Viewer } from './viewer';

async function main(): Promise<void> {
  const overlay = new Overlay();
  const canvas = document.querySelector<HTMLCanvasElement>('#view');
  const fileInput = document.querySelector<HTMLInputElement>('#file-input');
  if (!canvas || !fileInput) throw new Error('index.html: missing #view or #file-input');

  const requestDevice = (): Promise<GpuContext> =>
    requestBrowserDevice({
      onError: (message) => {
        console.error(`WebGPU error: ${message}`);
        overlay.error(`WebGPU error: ${message}`);
      },
    });
  let gpu;
  try {
    gpu = await requestDevice();
  } catch (e) {
    const message = (e as Error).message;
    window.__error = message;
    overlay.error(message);
    return;
  }
  const viewer = new Viewer(canvas, gpu, overlay);
  const train = new TrainingApp(viewer, overlay, gpu.device);
  const checkpoints = new Checkpointing(train, overlay, await openCheckpointStore());
  new DeviceRecovery(gpu, { viewer, train, checkpoints, overlay, requestDevice });
  const help = new Help(canvas);
  wireToolbar({
    onOpen: () => fileInput.click(),
    onScreenshot: () => void viewer.saveScreenshot(),
    onHelp: () => help.show(!help.visible),
  });
  // A COLMAP dataset (a .zip, a folder) goes to training; anything else opens in the viewer.
  const openFiles = async (files: File[]): Promise<void> => {
    if (!(await train.openFiles(files))) await viewer.open({ kind: 'files', files });
  };

  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files ?? [])];
    fileInput.value = ''; // choosing the same file again must fire 'change' again
    if (files.length > 0) void openFiles(files);
  });
  wireDragAndDrop(overlay, (files, dt) => {
    const openFolders = train.inputs.takeDroppedFolders(dt);
    if (openFolders) void openFolders();
    else if (files.length > 0) void openFiles(files);
  });

  await openInitialScene(viewer, overlay);
  // A saved training run is offered once the page shows something (a dead link's error first).
  if (window.__error === undefined) await checkpoints.offerResume();
}

/** The scene of the link (`?url=`, camera from the link), or the embedded default. */
async function openInitialScene(viewer: Viewer, overlay: Overlay): Promise<void> {
  const params = parseViewParams(location.search);
  const pose = poseFromParams(params, { up: COLMAP_UP, fovY: DEFAULT_FOV_Y });
  if (params.spin !== undefined) viewer.setSpin(params.spin);
  if (params.url === null) {
    const ok = await viewer.open({ kind: 'url', url: defaultSceneUrl }, { pose, link: { kind: 'default' } });
    if (ok && params.errors.length > 0) overlay.notice(params.errors.join('\n'));
    return;
  }
  if (await viewer.open({ kind: 'url', url: params.url }, { pose })) {
    if (params.errors.length > 0) overlay.notice(params.errors.join('\n'));
    return;
  }
  // A dead link must not leave a black page: the default scene, framed (the link's camera
  // belongs to the scene that failed), under the error. The address bar keeps the link so that
  // reloading retries it.
  const error = window.__error ?? `${params.url}: could not be opened`;
  if (await viewer.open({ kind: 'url', url: defaultSceneUrl }, { link: { kind: 'keep' } })) {
    window.__error = error;
    overlay.error(`${error}\nShowing the default scene instead.`);
  }
}

/** `open` runs during the drop event, so it can still take directory entries from `dt`. */
function wireDragAndDrop(overlay: Overlay, open: (files: File[], dt: DataTransfer) => void): void {
  const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer!.dropEffect = 'copy';
    overlay.showDropZone(true);
  });
  window.addEventListener('dragleave', (e) => {
    // relatedTarget is null only when the pointer leaves the window.
    if (e.relatedTarget === null) overlay.showDropZone(false);
  });
  window.addEventListener('drop', (e) => {
    overlay.showDropZone(false);
    if (!hasFiles(e)) return;
    e.preventDefault();
    const files = [...(e.dataTransfer?.files ?? [])];
    open(files, e.dataTransfer!);
  });
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e);
  window.__error = message;
  document.querySelector('#banner')?.removeAttribute('hidden');
  const text = document.querySelector('#banner .message');
  if (text) text.textContent = message;
});
