/** Quick per-stage timing of one training-sized step on the current adapter (development aid). */
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { GaussianBuffers } from '../src/render/gaussian-buffers';
import { ForwardPass } from '../src/render/forward-pass';
import { BackwardPass } from '../src/render/backward-pass';
import { ImageLoss } from '../src/kernels/image-loss';
import { STORAGE } from '../src/gpu/buffers';
import { syntheticScene } from './synthetic';
import { median, timeSubmit } from './timing';

export async function main(argv: string[]): Promise<number> {
  const n = Number(argv[0] ?? 40);
  const w = Number(argv[1] ?? 48);
  const h = Number(argv[2] ?? 36);
  const { device, adapterName } = await requestNodeDevice();
  const { scene, camera } = syntheticScene(n, w, h, 0, 1);
  const g = GaussianBuffers.upload(device, scene);
  const fwd = new ForwardPass(device);
  const bwd = new BackwardPass(device);
  const loss = new ImageLoss(device);
  const opts = { shDegree: 0, splatScale: 1, background: [0, 0, 0] as [number, number, number] };
  await fwd.renderExact(g, camera, opts);
  const target = device.createBuffer({ size: w * h * 16, usage: STORAGE });
  const vImage = device.createBuffer({ size: w * h * 16, usage: STORAGE });
  loss.setTarget(target, w, h);
  const t: number[][] = [[], [], [], [], []];
  for (let r = 0; r < 6; r++) {
    const encs = [device.createCommandEncoder()];
    fwd.encode(encs[0], g, camera, opts, () => (encs.push(device.createCommandEncoder()), encs[encs.length - 1]));
    const cbs = encs.map((e) => e.finish());
    const ms = [await timeSubmit(device, [cbs[0]]), await timeSubmit(device, [cbs[1]]), await timeSubmit(device, [cbs[2]])];
    let e = device.createCommandEncoder();
    loss.encode(e, fwd.image.buffer, vImage);
    ms.push(await timeSubmit(device, [e.finish()]));
    e = device.createCommandEncoder();
    bwd.encode(e, fwd, g, vImage);
    ms.push(await timeSubmit(device, [e.finish()]));
    if (r > 0) ms.forEach((v, i) => t[i].push(v));
  }
  await fwd.checkCapacity();
  console.log(adapterName, `n=${n} ${w}x${h} isect=${fwd.stats.intersections} cap=${fwd.capacity}`, ['project', 'sort', 'raster', 'loss', 'backward'].map((k, i) => `${k} ${median(t[i]).toFixed(1)}ms`).join(' '));
  return 0;
}
