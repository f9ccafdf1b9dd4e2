/**
 * The ways a COLMAP dataset reaches the training page: the folder and .zip pickers, files picked
 * or dropped on the page, and dropped folders. Decides what is a dataset (a .zip, or files whose
 * paths hold a sparse model); a dropped folder that is not one (an unbundled SOG scene, say)
 * goes to the viewer under the folder's name.
 */
import type { DatasetSource } from '../../io/colmap/dataset';
import { datasetName, filesSource, holdsSparseModel, pickedFolderFiles, walkEntries, zipFileSource, type PathedFile } from './dataset-sources';

export interface DatasetInputCallbacks {
  /** Loads a dataset; resolves false (after showing why) when it cannot. */
  openDataset(name: string, makeSource: () => Promise<DatasetSource>): Promise<boolean>;
  /** Opens scene files (not a dataset) in the viewer under `name`. */
  openScene(files: File[], name: string): Promise<void>;
  fail(message: string): void;
}

export class DatasetInputs {
  private readonly folderInput: HTMLInputElement;
  private readonly zipInput: HTMLInputElement;

  constructor(private readonly callbacks: DatasetInputCallbacks) {
    this.folderInput = hiddenInput('train-folder-input', (input) => {
      input.webkitdirectory = true;
      input.multiple = true;
    });
    this.zipInput = hiddenInput('train-zip-input', (input) => (input.accept = '.zip'));
    this.folderInput.addEventListener('change', () => {
      const files = takeFiles(this.folderInput);
      if (files.length > 0) void this.openPathed(pickedFolderFiles(files));
    });
    this.zipInput.addEventListener('change', () => {
      const files = takeFiles(this.zipInput);
      if (files.length > 0) void this.openFiles(files);
    });
  }

  pickFolder(): void {
    this.folderInput.click();
  }

  pickZip(): void {
    this.zipInput.click();
  }

  /**
   * Opens picked or dropped files as a dataset when they are one (a .zip, or files whose paths
   * hold a sparse model); returns false for anything else, which the viewer opens as a scene.
   */
  async openFiles(files: File[]): Promise<boolean> {
    if (files.length === 1 && /\.zip$/i.test(files[0].name)) {
      await this.callbacks.openDataset(files[0].name, () => zipFileSource(files[0]));
      return true;
    }
    const pathed = pickedFolderFiles(files);
    if (files.some((f) => f.webkitRelativePath) && holdsSparseModel(pathed.map((f) => f.path))) {
      await this.openPathed(pathed);
      return true;
    }
    return false;
  }

  /**
   * The synchronous part of a drop: directory entries can only be taken while the event runs.
   * Returns the continuation that opens them, or null when the drop holds no folder.
   */
  takeDroppedFolders(dt: DataTransfer): (() => Promise<void>) | null {
    const entries: FileSystemEntry[] = [];
    for (const item of dt.items) {
      const entry = item.kind === 'file' ? item.webkitGetAsEntry() : null;
      if (entry) entries.push(entry);
    }
    if (!entries.some((e) => e.isDirectory)) return null;
    return async () => {
      let files: PathedFile[];
      try {
        files = await walkEntries(entries);
      } catch (e) {
        this.callbacks.fail(`Could not read the dropped folder: ${(e as Error).message}`);
        return;
      }
      if (holdsSparseModel(files.map((f) => f.path))) await this.openPathed(files);
      else await this.callbacks.openScene(files.map((f) => f.file), datasetName(files));
    };
  }

  private async openPathed(files: PathedFile[]): Promise<void> {
    const name = datasetName(files);
    await this.callbacks.openDataset(name, async () => filesSource(files, name));
  }
}

function hiddenInput(id: string, setup: (input: HTMLInputElement) => void): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = id;
  input.hidden = true;
  setup(input);
  document.body.append(input);
  return input;
}

/** The chosen files, clearing the input so choosing the same ones again fires 'change' again. */
function takeFiles(input: HTMLInputElement): File[] {
  const files = [...(input.files ?? [])];
  input.value = '';
  return files;
}
