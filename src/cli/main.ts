/**
 * Node CLI: `splat <command> ...` with info, render, convert, train and eval. Returns the
 * process exit code; errors print one line.
 */
import type { Command } from './command';
import { infoCommand, renderCommand } from './render-commands';
import { convertCommand } from './convert-command';
import { evalCommand, trainCommand } from './train-command';

// Imported statically: the CLI runs under vite's module runner (bin/splat.mjs), which is closed
// once the entry has loaded, so later dynamic imports would fail.
const commands: Record<string, Command> = {
  info: infoCommand,
  render: renderCommand,
  convert: convertCommand,
  train: trainCommand,
  eval: evalCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || !(name in commands)) {
    const lines = Object.values(commands).map((c) => `  ${c.usage}`);
    console.error(`usage: splat <command>\n${lines.join('\n')}`);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  try {
    return await commands[name].run(rest);
  } catch (e) {
    console.error(`splat ${name}: ${(e as Error).message}`);
    return 1;
  }
}
