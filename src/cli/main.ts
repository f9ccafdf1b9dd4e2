/**
 * Node CLI: `splat <command> ...`. Commands: info, render (more are registered by their
 * modules: convert, train, eval). Returns the process exit code; errors print one line.
 */
import { infoCommand, renderCommand } from './render-commands';

export interface Command {
  usage: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  info: async () => infoCommand,
  render: async () => renderCommand,
  convert: async () => (await import('./convert-command')).convertCommand,
  train: async () => (await import('./train-command')).trainCommand,
  eval: async () => (await import('./train-command')).evalCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || !(name in commands)) {
    const lines = await Promise.all(
      Object.values(commands).map(async (load) => {
        try {
          return `  ${(await load()).usage}`;
        } catch {
          return '';
        }
      }),
    );
    console.error(`usage: splat <command>\n${lines.filter(Boolean).join('\n')}`);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  try {
    return await (await commands[name]()).run(rest);
  } catch (e) {
    console.error(`splat ${name}: ${(e as Error).message}`);
    return 1;
  }
}
