import { describe, expect, it } from 'vitest';
import { chooseMainFile, downloadName, fileNameOf, formatBytes, sceneNameOf } from '../../src/app/file-names';

describe('file names', () => {
  it('picks meta.json among SOG textures, else the first scene file', () => {
    expect(chooseMainFile(['means_l.webp', 'meta.json', 'quats.webp'])).toBe(1);
    expect(chooseMainFile(['readme.txt', 'a.splat', 'b.ply'])).toBe(2); // .ply outranks .splat
    expect(chooseMainFile(['x.bin', 'y.bin'])).toBe(0);
  });

  it('names files from URLs', () => {
    expect(fileNameOf('/scenes/playbot-31000.ply?x=1#y')).toBe('playbot-31000.ply');
    expect(fileNameOf('https://host/a%20b.splat')).toBe('a b.splat');
    expect(fileNameOf('https://host/dir/')).toBe('dir');
    expect(fileNameOf('%E0%A4%A.ply')).toBe('%E0%A4%A.ply'); // malformed escape kept as is
  });

  it('names an unbundled SOG by its folder, other scenes by their file', () => {
    expect(sceneNameOf('/@fs/data/sog/playbot-8406/meta.json')).toBe('playbot-8406');
    expect(sceneNameOf('https://host/scenes/my%20room/META.JSON?v=2')).toBe('my room');
    expect(sceneNameOf('playbot-8406/meta.json')).toBe('playbot-8406');
    expect(sceneNameOf('meta.json')).toBe('SOG scene');
    expect(sceneNameOf('/scenes/a.sog')).toBe('a.sog');
    expect(sceneNameOf('dir/a.ply')).toBe('a.ply');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(7689530)).toBe('7.3 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GB');
  });

  it('derives download names', () => {
    expect(downloadName('playbot.compressed.ply', '.ply')).toBe('playbot.ply');
    expect(downloadName('scene.SPLAT', '.spz')).toBe('scene.spz');
    expect(downloadName('meta.json', '.sog')).toBe('meta.sog');
    expect(downloadName('.ply', '.ply')).toBe('scene.ply');
  });
});
