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

/** Output file name: the source name with its scene extension replaced (`a.splat` -> `a.ply`). */
export function downloadName(sourceName: string, extension: string): string {
  const base = sourceName.replace(/\.(compressed\.ply|ply|splat|ksplat|spz|sog|json)$/i, '') || 'scene';
  return base + extension;
}
