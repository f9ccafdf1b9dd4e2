/** `splat convert <in> <out>`: any readable format to ply / splat / spz / sog, by extension. */
import { writeFormatFor, writeLosses, writeScene } from '../io/load';
import { UsageError, positionals } from './args';
import { checkWritable, writeOutput } from './files';
import { readSceneFile } from './scene-file';
import type { Command } from './command';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert a scene to .ply, .splat, .spz or .sog (format from the output extension)',
  synopsis: '<in> <out>',
  details: 'Reads every format info reads. .splat keeps only the DC colour; .spz and .sog quantise.',
  flags: [],
  async run(p) {
    const [input, output] = positionals(p, ['<in>', '<out>']);
    const format = writeFormatFor(output);
    if (!format) throw new UsageError(`${output}: cannot tell the output format from the extension (use .ply, .splat, .spz or .sog)`);
    await checkWritable(output);
    const loaded = await readSceneFile(input);
    for (const w of loaded.warnings) console.error(`${input}: ${w}`);
    // Say what the output format cannot hold (SH bands in .splat, the 2D filter's size in SPZ).
    const written = format === 'splat' ? 0 : loaded.scene.shDegree;
    for (const w of writeLosses(loaded.scene, format)) console.error(`${output}: warning: ${w}`);
    const bytes = await writeScene(loaded.scene, format);
    await writeOutput(output, bytes);
    console.error(`${output}: ${format}, ${loaded.scene.count} splats, SH degree ${written}, ${bytes.byteLength} bytes (from ${loaded.format})`);
    return 0;
  },
};
