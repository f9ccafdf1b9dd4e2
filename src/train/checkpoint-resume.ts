/**
 * Whether a checkpoint may continue in this run: the same dataset (by content identity, not by
 * name) and the same configuration. Only `iterations` may change: a finished run can be
 * extended, at the price of a different learning-rate decay from then on. Pure (no GPU).
 */
import type { ColmapDataset, View } from '../io/colmap/dataset';
import { type TrainConfig, resolveTrainConfig } from './config';
import { resolveDensityConfig } from './density-control';
import { resolveMcmcConfig } from './mcmc-config';
import { type Checkpoint, CheckpointError, type DatasetIdentity } from './checkpoint';

/** FNV-1a over UTF-16 code units, 32 bits, from `seed`. */
function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function viewLine(split: string, v: View): string {
  const c = v.camera;
  return [split, v.name, c.width, c.height, c.fx, c.fy, c.cx, c.cy, ...c.R, ...c.t].join(' ');
}

/**
 * 16 hex digits identifying what a run trains on: view names in order, the train/test split,
 * training image sizes and every camera parameter (so another resolution or evaluation split
 * is another dataset), the scene extent and the point count.
 */
export function datasetHash(dataset: ColmapDataset): string {
  const text = [
    ...dataset.train.map((v) => viewLine('train', v)),
    ...dataset.test.map((v) => viewLine('test', v)),
    `extent ${dataset.extent}`,
    `points ${dataset.points.xyz.length / 3}`,
  ].join('\n');
  const hex = (h: number) => h.toString(16).padStart(8, '0');
  return hex(fnv1a(text, 0x811c9dc5)) + hex(fnv1a(text, 0x050c5d1f));
}

export function datasetIdentity(name: string, dataset: ColmapDataset): DatasetIdentity {
  return { name, views: dataset.train.length + dataset.test.length, hash: datasetHash(dataset) };
}

/** Dotted leaf paths and values of a plain JSON object. */
function leaves(o: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (o !== undefined) {
    out.set(prefix, o);
  }
  return out;
}

/** Settings that differ between two configs, as "name saved (now current)"; `iterations` aside. */
export function configDifferences(saved: TrainConfig, current: TrainConfig): string[] {
  // Overrides are compared after defaults fill them: an explicit default is no change, and a
  // checkpoint saved before a setting existed holds its default.
  const full = (c: TrainConfig) => {
    const r = resolveTrainConfig(c);
    return { ...r, density: resolveDensityConfig(r.density), mcmc: resolveMcmcConfig(r.mcmc) };
  };
  const a = leaves(full(saved));
  const b = leaves(full(current));
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (key === 'iterations' || key === 'lrDecayIterations') continue;
    const x = a.get(key);
    const y = b.get(key);
    if (x !== y) out.push(`${key} ${x ?? 'default'} (now ${y ?? 'default'})`);
  }
  return out;
}

/**
 * Throws a CheckpointError naming `file` when the checkpoint belongs to another dataset or
 * another configuration. The means' learning rate decays over `lrDecayIterations` (default:
 * `iterations`), so a run resumed with other iterations follows another schedule: allowed,
 * and returned as a notice.
 */
export function checkResumable(c: Checkpoint, config: TrainConfig, dataset: DatasetIdentity, file: string): string[] {
  const notices = checkSettings(c, config, file);
  if (c.dataset.hash !== dataset.hash) {
    throw new CheckpointError(
      file,
      `saved for dataset "${c.dataset.name}" (${c.dataset.views} views, id ${c.dataset.hash}), but "${dataset.name}" (${dataset.views} views, id ${dataset.hash}) differs in its images, cameras, resolution or evaluation split`,
    );
  }
  return notices;
}

/** The settings half of checkResumable, which needs no dataset (a CLI checks it before loading one). */
export function checkSettings(c: Checkpoint, config: TrainConfig, file: string): string[] {
  const diff = configDifferences(c.config, config);
  if (diff.length > 0) throw new CheckpointError(file, `saved with other training settings: ${diff.join(', ')}; resume with the settings it was saved with`);
  if (c.state.iteration > config.iterations) throw new CheckpointError(file, `saved at step ${c.state.iteration}, past this run's ${config.iterations} iterations`);
  const saved = c.config.lrDecayIterations ?? c.config.iterations;
  const now = config.lrDecayIterations ?? config.iterations;
  // The scaled schedule places every event at a fraction of `iterations` (schedule.ts).
  if (config.schedule === 'scaled' && c.config.iterations !== config.iterations) {
    return [`the scaled schedule (densification, SH steps, image sizes, learning rate) now spans ${config.iterations} iterations (saved run: ${c.config.iterations}); the result will differ from an unbroken run`];
  }
  return saved === now ? [] : [`the learning-rate schedule now decays over ${now} iterations (saved run: ${saved}); the result will differ from an unbroken run`];
}
