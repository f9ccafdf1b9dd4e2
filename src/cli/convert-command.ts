/** `splat convert <in> <out>`: any readable format to ply / splat / spz / sog, by extension. */
import { writeFile } from 'node:fs/promises';
import { writeFormatFor, writeScene } from '../io/load';
import { parseArgs } from './args';
import { readSceneFile } from './scene-file';
import type { Command } from './command';

export const convertCommand: Command = {
  usage: 'convert <in> <out>                 convert between formats (out: .ply .splat .spz .sog)',
  async run(args) {
    const [input, output] = parseArgs(args).positional;
    if (!input || !output) throw new Error(`usage: splat ${convertCommand.usage}`);
    const format = writeFormatFor(output);
    if (!format) throw new Error(`${output}: cannot tell the output format from the extension (use .ply, .splat, .spz or .sog)`);
    const loaded = await readSceneFile(input);
    for (const w of loaded.warnings) console.error(`${input}: ${w}`);
    const bytes = await writeScene(loaded.scene, format);
    await writeFile(output, bytes);
    console.error(`${output}: ${format}, ${loaded.scene.count} splats, SH degree ${loaded.scene.shDegree}, ${bytes.byteLength} bytes (from ${loaded.format})`);
    return 0;
  },
};
