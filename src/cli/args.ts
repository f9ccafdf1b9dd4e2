/**
 * Flag parsing against each command's declared flags: positional arguments, `--name value`,
 * `--name=value` and boolean `--flag`. Anything the user got wrong is a UsageError (exit 2),
 * with a suggestion when a flag is a near miss of a known one.
 */

/** One flag of a command, for parsing and for its help. */
export interface FlagSpec {
  name: string;
  /** Placeholder of its value in help (`N`, `FILE`); absent for a boolean flag. */
  value?: string;
  help: string;
}

/** A mistake in how the command was called (exit code 2), as opposed to a failure doing it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Edit distance (insert, delete, substitute) between two short strings. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The candidate closest to `word` when it is close enough to be a typo, else undefined. */
export function suggest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) || word.startsWith(c) ? Math.min(1, editDistance(word, c)) : editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function parseArgs(args: string[], spec: FlagSpec[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const byName = new Map(spec.map((f) => [f.name, f]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const f = byName.get(name);
    if (!f) {
      const near = suggest(name, [...byName.keys()]);
      throw new UsageError(`unknown flag --${name}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    if (!f.value) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (eq > 0) {
      flags.set(name, a.slice(eq + 1));
    } else {
      if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value (${f.value})`);
      flags.set(name, args[++i]);
    }
  }
  return { positional, flags };
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return v === true ? undefined : v;
}

export function flagNumber(p: ParsedArgs, name: string, fallback: number): number {
  const v = flagString(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

/** An integer flag >= `min` (default 1). */
export function flagInt(p: ParsedArgs, name: string, fallback: number, min = 1): number {
  const n = flagNumber(p, name, fallback);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${flagString(p, name)}`);
  return n;
}

/** Exactly the positional arguments `names` (in help spelling), or a UsageError. */
export function positionals(p: ParsedArgs, names: string[]): string[] {
  if (p.positional.length < names.length) throw new UsageError(`missing ${names.slice(p.positional.length).join(' ')}`);
  if (p.positional.length > names.length) throw new UsageError(`unexpected argument '${p.positional[names.length]}'`);
  return p.positional;
}
