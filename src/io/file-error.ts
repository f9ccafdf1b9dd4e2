/** A file that cannot be used, in the "file: problem" form every message of this project takes. */
export class FileError extends Error {
  override name = 'FileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
