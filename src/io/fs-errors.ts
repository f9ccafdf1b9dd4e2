/**
 * Words for Node file-system errors, so a message reads "scene.ply: cannot read: no such file"
 * instead of "ENOENT: no such file or directory, open '/abs/scene.ply'". Pure: the codes are
 * plain strings, so this module imports nothing from Node.
 */
const CODE_WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'busy',
};

/** A short phrase for a file-system error: the meaning of its code, else its message. */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && CODE_WORDS[code]) return CODE_WORDS[code];
  return e instanceof Error ? e.message : String(e);
}
