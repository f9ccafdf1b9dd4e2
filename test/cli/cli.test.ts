/**
 * The Node CLI as a user runs it (bin/splat.mjs in a child process): info, render (PNG checked
 * against the float64 reference), convert, train and eval, and clear errors on bad input.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { readPly } from '../../src/io/ply';
import { writePly } from '../../src/io/ply-writer';
import { referenceRender } from '../../src/reference';
import { lookAtCamera } from '../../src/io/camera';
import { DATA, ROOT, splat, tempDir } from './run-cli';
import { loadColmapDataset } from '../../src/io/colmap/dataset';
import { nodeDirectorySource } from '../../src/io/colmap/node-source';

const tmp = tempDir('splat-cli-');

describe('splat CLI', () => {
  it('info prints the splat count, SH degree and bounds as JSON', async () => {
    const r = await splat(['info', join(DATA, 'ply/playbot-1873.ply')]);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.splats).toBe(1873);
    expect(info.shDegree).toBe(3);
    expect(info.bounds.min).toHaveLength(3);
  });

  it('render writes round(clamp(colour) * 255) of the scene as seen by the camera', async () => {
    const cam = { width: 48, height: 40, fx: 45, fy: 45, cx: 24, cy: 20, R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0.5, 2.8] };
    const camPath = join(tmp, 'cam.json');
    writeFileSync(camPath, JSON.stringify(cam));
    const out = join(tmp, 'img.png');
    const file = join(DATA, 'ply/playbot-1873.ply');
    const r = await splat(['render', file, '--camera', camPath, '--out', out, '--background', '0.1,0.2,0.3']);
    expect(r.code, r.stderr).toBe(0);
    const png = decodePng(readFileSync(out));
    expect([png.width, png.height, png.channels]).toEqual([48, 40, 3]);
    const scene = (await readPly(new Uint8Array(readFileSync(file)), file)).scene;
    const ref = referenceRender(scene, { ...cam, R: cam.R.flat() }, { background: [0.1, 0.2, 0.3] });
    let off = 0;
    let lit = 0;
    for (let i = 0; i < 48 * 40 * 3; i++) {
      const want = Math.round(Math.min(1, Math.max(0, ref.image[i])) * 255);
      if (Math.abs(png.data[i] - want) > 1) off++;
      if (png.data[i] !== [26, 51, 77][i % 3]) lit++;
    }
    // f32 vs float64 can move a value across a rounding boundary by one step, nothing more.
    expect(off).toBe(0);
    expect(lit).toBeGreaterThan(48 * 40 * 0.2);
  });

  it("render without a camera file: the viewer page's link, or the view the page opens the scene with", async () => {
    const file = join(DATA, 'ply/playbot-1873.ply');
    const scene = (await readPly(new Uint8Array(readFileSync(file)), file)).scene;
    // A link as the page's address bar writes it (a 48x40 image of it: --size).
    const [eye, target, up, fov] = [[0.3, -0.6, -2.7], [0, 0.1, 0], [0, -1, 0], 40];
    const link = `http://localhost:5173/?url=playbot-1873.ply&eye=${eye}&target=${target}&up=${up}&fov=${fov}`;
    const out = join(tmp, 'linked.png');
    const r = await splat(['render', file, '--view', link, '--size', '48x40', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const png = decodePng(readFileSync(out));
    expect([png.width, png.height]).toEqual([48, 40]);
    const ref = referenceRender(scene, lookAtCamera(eye, target, up, 48, 40, fov), {});
    let off = 0;
    let lit = 0;
    for (let i = 0; i < 48 * 40 * 3; i++) {
      if (Math.abs(png.data[i] - Math.round(Math.min(1, Math.max(0, ref.image[i])) * 255)) > 1) off++;
      if (png.data[i] > 0) lit++;
    }
    expect(off).toBe(0); // as the camera-file render above: one rounding step at most
    expect(lit).toBeGreaterThan(48 * 40 * 0.2);

    // A turntable of the link's view: view 0 is that view, view 2 of 4 looks from the eye turned
    // half a turn about the up axis through the target (mirrored across it: -x, same y, -z about
    // the target here), and views 1 and 3 are the quarter turns.
    const spin = join(tmp, 'spin.png');
    const t = await splat(['render', file, '--view', link, '--size', '48x40', '--turntable', '4', '--out', spin]);
    expect(t.code, t.stderr).toBe(0);
    const frames = [0, 1, 2, 3].map((k) => decodePng(readFileSync(join(tmp, `spin-00${k}.png`))).data);
    expect(frames[0]).toEqual(png.data);
    const behind = referenceRender(scene, lookAtCamera([-0.3, -0.6, 2.7], target, up, 48, 40, fov), {});
    let offBehind = 0;
    for (let i = 0; i < 48 * 40 * 3; i++) if (Math.abs(frames[2][i] - Math.round(Math.min(1, Math.max(0, behind.image[i])) * 255)) > 1) offBehind++;
    expect(offBehind).toBe(0);
    expect(frames[1]).not.toEqual(frames[3]);

    // No view named: the page's opening view, the scene framed in the middle of the image.
    const framed = join(tmp, 'framed.png');
    const d = await splat(['render', file, '--size', '64x48', '--out', framed]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/framed\.png: PNG 64x48, 1873 splats/);
    const img = decodePng(readFileSync(framed));
    let [x0, x1, y0, y1] = [64, -1, 48, -1];
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        if (Math.max(img.data[(y * 64 + x) * 3], img.data[(y * 64 + x) * 3 + 1], img.data[(y * 64 + x) * 3 + 2]) < 20) continue;
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
    }
    // The robust bounding sphere fits the narrower (vertical) field: the scene spans a good part
    // of the height, centred within a few pixels (the sphere is centred, the scene inside it need not be).
    expect(y1 - y0).toBeGreaterThan(48 * 0.35);
    expect(Math.abs((x0 + x1) / 2 - 31.5)).toBeLessThan(64 * 0.15);
    expect(Math.abs((y0 + y1) / 2 - 23.5)).toBeLessThan(48 * 0.15);

    // Views named twice, or a size that a camera file already fixes, are refused.
    const both = await splat(['render', file, '--view', link, '--camera', join(tmp, 'cam.json'), '--out', out]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--camera and --view both name a view: give one/);
    const size = await splat(['render', file, '--size', '64', '--out', out]);
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/--size must be WIDTHxHEIGHT in pixels/);
    const turnCamera = await splat(['render', file, '--camera', join(tmp, 'cam.json'), '--turntable', '8', '--out', out]);
    expect(turnCamera.code).toBe(2);
    expect(turnCamera.stderr).toMatch(/--turntable turns --view or the default view around its target; .*cam\.json has no target/);
    const noCamera = await splat(['render', file, '--view', 'fov=30', '--out', out]);
    expect(noCamera.code).toBe(2);
    expect(noCamera.stderr).toMatch(/--view: the link names no camera \(it needs eye=x,y,z and target=x,y,z\)/);
  });

  it('render of a scene in small units: warns that the near plane hides it, and draws it with the "near" the warning asks for', async () => {
    const file = join(DATA, 'ply/playbot-1873.ply');
    const scene = (await readPly(new Uint8Array(readFileSync(file)), file)).scene;
    const tiny = join(tmp, 'tiny-units.ply');
    writeFileSync(tiny, writePly({ ...scene, means: scene.means.map((v) => v / 1024), logScales: scene.logScales.map((v) => v - Math.log(1024)) }));
    const cam = { width: 48, height: 40, fx: 45, fy: 45, cx: 24, cy: 20, R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0.5 / 1024, 2.8 / 1024] };
    const camPath = join(tmp, 'cam-tiny.json');
    writeFileSync(camPath, JSON.stringify(cam));
    const out = join(tmp, 'tiny.png');
    const r = await splat(['render', tiny, '--camera', camPath, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*tiny\.png shows only the background: 18\d\d splats lie in front of the camera but nearer than its near plane \(0\.01\); .*"near" in .*cam-tiny\.json/);
    expect(decodePng(readFileSync(out)).data.every((v) => v === 0)).toBe(true);
    writeFileSync(camPath, JSON.stringify({ ...cam, near: 1e-5 }));
    const again = await splat(['render', tiny, '--camera', camPath, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/warning/);
    expect(decodePng(readFileSync(out)).data.filter((v) => v > 0).length).toBeGreaterThan(48 * 40 * 0.2);
    // A camera looking away from the scene: the other reason.
    writeFileSync(camPath, JSON.stringify({ ...cam, t: [0, 0, -1] }));
    const away = await splat(['render', tiny, '--camera', camPath, '--out', out]);
    expect(away.stderr).toMatch(/shows only the background: no splat is in front of the camera and inside its view \(check "R" and "t"/);
  });

  it("an antialiased scene with its own 2D filter size: info names it, render draws with it, .spz warns it is lost", async () => {
    const file = join(DATA, 'ply/playbot-1873.ply');
    const scene = (await readPly(new Uint8Array(readFileSync(file)), file)).scene;
    scene.antialiased = true;
    scene.filter2d = 0.1;
    const aa = join(tmp, 'aa.ply');
    writeFileSync(aa, writePly(scene));
    const info = JSON.parse((await splat(['info', aa])).stdout);
    expect([info.antialiased, info.filter2d]).toEqual([true, 0.1]);
    const cam = { width: 48, height: 40, fx: 45, fy: 45, cx: 24, cy: 20, R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0.5, 2.8] };
    const camPath = join(tmp, 'cam-aa.json');
    writeFileSync(camPath, JSON.stringify(cam));
    const out = join(tmp, 'aa.png');
    const r = await splat(['render', aa, '--camera', camPath, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const png = decodePng(readFileSync(out));
    const camera = { ...cam, R: cam.R.flat() };
    const want = referenceRender(scene, camera, { antialias: true, filter2d: 0.1 }).image;
    const other = referenceRender(scene, camera, { antialias: true }).image; // 0.3 px^2
    const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
    let off = 0;
    let apart = 0;
    for (let i = 0; i < 48 * 40 * 3; i++) {
      if (Math.abs(png.data[i] - byte(want[i])) > 1) off++;
      if (Math.abs(byte(other[i]) - byte(want[i])) > 1) apart++;
    }
    expect(off).toBe(0);
    // The two filter sizes draw visibly different images, so drawing with 0.3 would fail above.
    expect(apart).toBeGreaterThan(100);
    const c = await splat(['convert', aa, join(tmp, 'aa.spz')]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/warning: \.spz cannot store the 2D filter size 0\.1 px\^2/);
  });

  it('convert writes other formats that read back with the same splat count', async () => {
    const spz = join(tmp, 'p.spz');
    const r = await splat(['convert', join(DATA, 'ply/playbot-1873.ply'), spz]);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse((await splat(['info', spz])).stdout);
    expect(info.format).toBe('spz');
    expect(info.splats).toBe(1873);
    // .splat keeps the base colour only: the summary gives the degree written and a warning.
    const dotSplat = join(tmp, 'p.splat');
    const s = await splat(['convert', join(DATA, 'ply/playbot-1873.ply'), dotSplat]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/warning: \.splat keeps only the base colour; SH degree 3 view-dependent colour is dropped/);
    expect(s.stderr).toMatch(/p\.splat: splat, 1873 splats, SH degree 0,/);
    expect(JSON.parse((await splat(['info', dotSplat])).stdout).shDegree).toBe(0);
  });

  it('train and eval run on the embedded sample and print JSON summaries', async () => {
    const out = join(tmp, 'b.ply');
    const r = await splat(['train', 'scenes/buddha13', '--out', out, '--iters', '3', '--resolution', '8', '--eval', '--seed', '4']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.iterations).toBe(3);
    expect(s.splats).toBe(21402);
    expect(s.images).toEqual({ train: 11, test: 2, width: 86, height: 48 });
    expect(s.eval.views).toBe(2);
    expect(s.eval.psnr).toBeGreaterThan(5);
    expect(r.stderr).toMatch(/training \[#+\] 100%/);
    const e = await splat(['eval', out, 'scenes/buddha13', '--resolution', '8']);
    expect(e.code, e.stderr).toBe(0);
    // The same scene and views as the training run's final evaluation.
    expect(JSON.parse(e.stdout).psnr).toBeCloseTo(s.eval.psnr, 2);
  });

  it('eval draws an anti-aliased export as training evaluated it: with its 2D filter, its 3D filter baked once', async () => {
    const out = join(tmp, 'aa-b.ply');
    const r = await splat(['train', 'scenes/buddha13', '--out', out, '--iters', '3', '--resolution', '8', '--eval', '--seed', '4', '--antialias']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const e = await splat(['eval', out, 'scenes/buddha13', '--resolution', '8']);
    expect(e.code, e.stderr).toBe(0);
    const m = JSON.parse(e.stdout);
    console.log(`anti-aliased export: training's evaluation ${s.eval.psnr} dB, eval ${m.psnr} dB`);
    expect(m.psnr).toBeCloseTo(s.eval.psnr, 2);
    expect(m.ssim).toBeCloseTo(s.eval.ssim, 3);
  });

  it('eval draws every SH degree the file has (as the float64 reference does), scores each view and writes its renders', async () => {
    const out = join(tmp, 'sh-b.ply');
    const r = await splat(['train', 'scenes/buddha13', '--out', out, '--iters', '3', '--resolution', '8', '--seed', '4']);
    expect(r.code, r.stderr).toBe(0);
    // View-dependent colour strong enough to move the PSNR: random bands 2 and 3 (band 1 zero, so
    // a renderer stopping at degree 1 draws only the base colour).
    const scene = (await readPly(new Uint8Array(readFileSync(out)), out)).scene;
    expect(scene.shDegree).toBe(3);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (let i = 0; i < scene.count; i++) for (let j = 3; j < 48; j++) scene.sh[i * 48 + j] = j < 12 ? 0 : 0.4 * rand();
    const shFile = join(tmp, 'sh-bands.ply');
    writeFileSync(shFile, writePly(scene));
    const renders = join(tmp, 'eval-renders');
    const e = await splat(['eval', shFile, 'scenes/buddha13', '--resolution', '8', '--renders', renders]);
    expect(e.code, e.stderr).toBe(0);
    const result = JSON.parse(e.stdout) as { psnr: number; perView: { name: string; psnr: number }[] };
    const got = result.psnr;
    const ds = await loadColmapDataset(nodeDirectorySource(join(ROOT, 'scenes/buddha13')), { resolution: 8, evalSplit: true });
    const psnrOf = (v: (typeof ds.test)[number], img: Float64Array): number => {
      let se = 0;
      for (let p = 0; p < v.camera.width * v.camera.height; p++) for (let c = 0; c < 3; c++) se += (img[p * 3 + c] - v.image[p * 4 + c]) ** 2;
      return 10 * Math.log10((v.camera.width * v.camera.height * 3) / se);
    };
    const refs = ds.test.map((v) => referenceRender(scene, v.camera, { shDegree: 3 }).image);
    const full = refs.reduce((sum, img, i) => sum + psnrOf(ds.test[i], img), 0) / ds.test.length;
    const one = ds.test.reduce((sum, v) => sum + psnrOf(v, referenceRender(scene, v.camera, { shDegree: 1 }).image), 0) / ds.test.length;
    console.log(`eval ${got} dB; reference at SH degree 3 ${full.toFixed(4)}, at degree 1 ${one.toFixed(4)}`);
    // eval prints 3 decimals (0.0005 of rounding) of an f32 render: measured 0.0001 dB from the
    // float64 reference, bound 0.002. The degrees differ by 0.019 dB here, ten times the bound.
    expect(Math.abs(full - one)).toBeGreaterThan(0.01);
    expect(Math.abs(got - full)).toBeLessThan(0.002);
    // Each held-out view: its name, its own score (the same bound) and, under --renders, the
    // view as drawn (one rounding step from the reference at most, as render's PNG) beside the
    // photo it was scored against (exactly its 8-bit rounding).
    expect(result.perView.map((v) => v.name)).toEqual(ds.test.map((v) => v.name));
    ds.test.forEach((v, i) => {
      expect(Math.abs(result.perView[i].psnr - psnrOf(v, refs[i]))).toBeLessThan(0.002);
      const png = v.name.replace(/\.[^.]*$/, '.png');
      const drawn = decodePng(readFileSync(join(renders, 'renders', png)));
      const photo = decodePng(readFileSync(join(renders, 'gt', png)));
      expect([drawn.width, drawn.height, photo.width, photo.height]).toEqual([v.camera.width, v.camera.height, v.camera.width, v.camera.height]);
      let off = 0;
      for (let p = 0; p < v.camera.width * v.camera.height; p++) {
        for (let c = 0; c < 3; c++) {
          if (Math.abs(drawn.data[p * 3 + c] - Math.round(Math.min(1, Math.max(0, refs[i][p * 3 + c])) * 255)) > 1) off++;
          expect(photo.data[p * 3 + c]).toBe(Math.round(Math.min(1, Math.max(0, v.image[p * 4 + c])) * 255));
        }
      }
      expect(off).toBe(0);
    });
  });

  it('bad input gives one clear line naming the file and exit code 1', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"width": 10}');
    const r = await splat(['render', join(DATA, 'ply/playbot-1873.ply'), '--camera', bad, '--out', join(tmp, 'x.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad.json: "height" must be a finite number/);
    const m = await splat(['info', join(tmp, 'missing.ply')]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/missing\.ply: cannot read: no such file or folder\n$/);
    const t = await splat(['train', join(DATA, 'ply'), '--out', join(tmp, 'y.ply'), '--iters', '1']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/sparse/);
  });
});
