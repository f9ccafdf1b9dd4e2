/** Command-line options of the bench scripts: `--name value`. */

/** The value after `name`, or undefined when the option is absent or has no value. */
export function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
}
