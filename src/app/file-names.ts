/** File names, sizes and URLs as the viewer shows and chooses them. Pure; no DOM. */

/** Scene file extensions, most specific first, used to pick the main file of a multi-file drop. */
const SCENE_EXTENSIONS = ['meta.json', '.ply', '.splat', '.ksplat', '.spz', '.sog'];

/** The file of a multi-file selection that names the scene (e.g. meta.json beside SOG textures). */
export function chooseMainFile(names: string[]): number {
  for (const ext of SCENE_EXTENSIONS) {
    const i = names.findIndex((n) => n.toLowerCase().endsWith(ext));
    if (i >= 0) return i;
  }
  return 0;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** Last path segment of a URL, decoded; the URL itself when it has none. */
export function fileNameOf(url: string): string {
  const path = url.split(/[?#]/)[0];
  const last = path.split('/').filter((s) => s.length > 0).pop();
  if (!last) return url;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Every unbundled SOG scene has one of these, so it names no scene. */
const SOG_META = 'meta.json';

/**
 * The name a scene is shown and saved under, from its URL or its path in a picked or dropped
 * folder: the file name, except for an unbundled SOG's meta.json, which is named by its folder
 * ('SOG scene' when no folder is known, as for loose files picked one by one).
 */
export function sceneNameOf(path: string): string {
  const last = fileNameOf(path);
  if (last.toLowerCase() !== SOG_META) return last;
  const dir = path.split(/[?#]/)[0].split('/').filter((s) => s.length > 0).slice(0, -1);
  return dir.length > 0 ? fileNameOf(dir.join('/')) : 'SOG scene';
}

/** Output file name: the source name with its scene extension replaced (`a.splat` -> `a.ply`). */
export function downloadName(sourceName: string, extension: string): string {
  const base = sourceName.replace(/\.(compressed\.ply|ply|splat|ksplat|spz|sog|json)$/i, '') || 'scene';
  return base + extension;
}
