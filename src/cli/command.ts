/** A CLI command: its one-line usage and its runner (returns the exit code). */
export interface Command {
  usage: string;
  run(args: string[]): Promise<number>;
}
