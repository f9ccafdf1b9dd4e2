/**
 * Node CLI: `splat <command> ...` with info, render, convert, train and eval. Returns the
 * process exit code: 0 done, 1 failed (one line naming the file and the problem), 2 called
 * wrongly (unknown command or flag, missing argument), 130 interrupted. Help goes to stdout.
 */
import type { Command } from './command';
import { UsageError, parseArgs, suggest } from './args';
import { infoCommand, renderCommand } from './render-commands';
import { convertCommand } from './convert-command';
import { trainCommand } from './train-command';
import { evalCommand } from './eval-command';

// Imported statically: the CLI runs under vite's module runner (bin/splat.mjs), which is closed
// once the entry has loaded, so later dynamic imports would fail.
const COMMANDS: Command[] = [infoCommand, renderCommand, convertCommand, trainCommand, evalCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: splat <command> [arguments] [flags]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'splat <command> --help' for its arguments and flags.",
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const width = Math.max(0, ...c.flags.map((f) => f.name.length + (f.value ? f.value.length + 1 : 0)));
  const lines = [`usage: splat ${c.name} ${c.synopsis}`, '', c.summary];
  if (c.details) lines.push('', c.details);
  if (c.flags.length > 0) {
    lines.push('', 'flags:');
    for (const f of c.flags) lines.push(`  --${`${f.name}${f.value ? ` ${f.value}` : ''}`.padEnd(width)}  ${f.help}`);
  }
  lines.push(`  ${'--help'.padEnd(width + 2)}  this help`);
  return lines.join('\n');
}

const isHelp = (a: string) => a === '--help' || a === '-h';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  if (isHelp(name) || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    console.log(topic ? commandHelp(topic) : usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = suggest(name, COMMANDS.map((c) => c.name));
    console.error(`splat: unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}\n\n${usage()}`);
    return 2;
  }
  if (rest.some(isHelp)) {
    console.log(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(parseArgs(rest, command.flags));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`splat ${name}: ${e.message}\nusage: splat ${name} ${command.synopsis}\nRun 'splat ${name} --help' for details.`);
      return 2;
    }
    console.error(`splat ${name}: ${(e as Error)?.message ?? String(e)}`);
    return 1;
  }
}
