/** A CLI command: what help shows about it, its flags, and its runner (returns the exit code). */
import type { FlagSpec, ParsedArgs } from './args';

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows `splat <name>` in the usage line. */
  synopsis: string;
  /** Paragraphs shown by `splat <name> --help` after the usage line. */
  details?: string;
  flags: FlagSpec[];
  run(args: ParsedArgs): Promise<number>;
}
