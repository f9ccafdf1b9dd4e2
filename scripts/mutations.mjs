// The mutations `npm run mutate` (scripts/mutate.mjs) applies one at a time: `find` must occur
// exactly once in `file`; it is replaced by `replace` and `tests` run. Each is a small, realistic
// bug the tests must catch. When code is rewritten and a `find` goes stale the run fails naming
// the entry: re-aim it at the new code (same bug, new text) rather than deleting it.
// The backward rasterizer has a GPU shape and a CPU shape (SwiftShader runs the CPU one end to end;
// the kernel test runs both), so its bugs are planted in each.
// Names start with the area, so `--only <area>` picks a group: forward, projection, tiles,
// backward, sh, reduce, loss, ssim, sort, scan, adam, density, ply, splat, spz, colmap, trainer, init,
// mcmc, viewer, antialias.

const FORWARD = ['test/render/forward.test.ts'];
const PROJECT_BWD = ['test/kernels/project-backward.test.ts'];
const RASTER_BWD = ['test/kernels/rasterize-backward.test.ts'];
const LOSS = ['test/kernels/loss-kernels.test.ts'];
const DECISIONS = ['test/train/decisions.test.ts'];

export const MUTATIONS = [
  // Forward: projection, tiles, compositing.
  {
    name: 'tiles: INRIA-style upper tile bound (+ 15, misses a tile on a float mean)',
    file: 'shaders/common/tiles.wgsl',
    find: 'floor((xy + vec2<f32>(radius + ts - 0.5)) / ts)',
    replace: 'floor((xy + vec2<f32>(radius + ts - 1.0)) / ts)',
    tests: FORWARD,
  },
  {
    name: 'tiles: range end one short',
    file: 'shaders/tile_ranges.wgsl',
    find: 'ranges[tile].y = j + 1u;',
    replace: 'ranges[tile].y = j;',
    tests: FORWARD,
  },
  {
    name: 'forward: alpha cap 0.99 dropped',
    file: 'shaders/rasterize.wgsl',
    find: 'let alpha = min(vec4<f32>(ALPHA_MAX), rec.c_o_rg.y * exp(power));',
    replace: 'let alpha = min(vec4<f32>(1.0), rec.c_o_rg.y * exp(power));',
    tests: FORWARD,
  },
  {
    name: 'forward: T stop after the splat instead of before it',
    file: 'shaders/rasterize.wgsl',
    find: 'let stop = hit & (next_t < vec4<f32>(T_MIN));',
    replace: 'let stop = hit & (t < vec4<f32>(T_MIN));',
    tests: FORWARD,
  },
  {
    name: 'forward: background red not composited',
    file: 'shaders/rasterize.wgsl',
    find: 'vec4<f32>(r[k] + t[k] * bg.r, g[k] + t[k] * bg.g',
    replace: 'vec4<f32>(r[k], g[k] + t[k] * bg.g',
    tests: FORWARD,
  },
  {
    name: 'projection: 0.3 px dilation dropped',
    file: 'shaders/common/gaussian.wgsl',
    find: 'return vec3<f32>(m[0][0] + COV2D_DILATION, m[0][1], m[1][1] + COV2D_DILATION);',
    replace: 'return vec3<f32>(m[0][0], m[0][1], m[1][1]);',
    tests: FORWARD,
  },
  {
    name: 'projection: wrong sign of the Jacobian x/z column',
    file: 'shaders/common/gaussian.wgsl',
    find: 'vec2<f32>(-fx * tx * rz * rz, -fy * ty * rz * rz),',
    replace: 'vec2<f32>(fx * tx * rz * rz, -fy * ty * rz * rz),',
    tests: FORWARD,
  },
  {
    name: 'projection: quaternion read as xyzw',
    file: 'shaders/common/gaussian.wgsl',
    find: 'let w = q.x; let x = q.y; let y = q.z; let z = q.w;',
    replace: 'let w = q.w; let x = q.x; let y = q.y; let z = q.z;',
    tests: FORWARD,
  },
  {
    name: 'projection: Jacobian clamp centred on the image, not the principal point',
    file: 'src/kernels/camera-uniform.ts',
    find: '(-margin * cam.width - cam.cx) / cam.fx,',
    replace: '(-margin * cam.width - cam.width / 2) / cam.fx,',
    tests: FORWARD,
  },
  {
    name: 'projection: near plane at z = 0',
    file: 'shaders/common/project_splat.wgsl',
    find: 'if (!(t.z > cam.params.x) || !is_finite3(t))',
    replace: 'if (!(t.z > 0.0) || !is_finite3(t))',
    tests: FORWARD,
  },
  {
    name: 'projection: SH view direction reversed',
    file: 'shaders/common/project_splat.wgsl',
    find: 'let dir = normalize(mean - cam.centre.xyz);',
    replace: 'let dir = normalize(cam.centre.xyz - mean);',
    tests: FORWARD,
  },
  {
    name: 'projection: colour not clamped at 0',
    file: 'shaders/common/project_splat.wgsl',
    find: 'let rgb = max(sh_colour(i, dir) + vec3<f32>(0.5), vec3<f32>(0.0));',
    replace: 'let rgb = sh_colour(i, dir) + vec3<f32>(0.5);',
    tests: FORWARD,
  },
  {
    name: 'sh: sign of a degree-2 basis function in the projection',
    file: 'shaders/common/project_splat.wgsl',
    find: '+ SH_C2_1 * y * z * sh_coeff(base, 5u)',
    replace: '- SH_C2_1 * y * z * sh_coeff(base, 5u)',
    tests: FORWARD,
  },
  {
    name: 'sh backward: sign of a degree-2 basis function in the backward basis',
    file: 'shaders/common/sh.wgsl',
    find: 'y[5] = SH_C2_1 * yy * z;',
    replace: 'y[5] = -SH_C2_1 * yy * z;',
    tests: PROJECT_BWD,
  },

  // Backward kernels. The first entries are the bugs a review found slipping through, run
  // against the test file that missed them then.
  {
    name: 'backward: Jacobian clamp mask dropped in the projection backward (x)',
    file: 'shaders/project_backward.wgsl',
    find: 'let x_free = xz >= cam.clip.x && xz <= cam.clip.y;',
    replace: 'let x_free = true;',
    tests: ['test/render/backward.test.ts'],
  },
  {
    name: 'backward: Jacobian clamp mask dropped in the projection backward (y), kernel test',
    file: 'shaders/project_backward.wgsl',
    find: 'let y_free = yz >= cam.clip.z && yz <= cam.clip.w;',
    replace: 'let y_free = true;',
    tests: PROJECT_BWD,
  },
  {
    name: 'backward: gradient flows through the alpha cap (GPU shape)',
    file: 'shaders/rasterize_backward.wgsl',
    find: 'if (raw_alpha <= ALPHA_MAX) {',
    replace: 'if (true) {',
    tests: RASTER_BWD,
  },
  {
    name: 'backward: gradient flows through the alpha cap, end to end (CPU shape)',
    file: 'shaders/rasterize_backward_tile.wgsl',
    find: 'let uncapped = hit & (raw_alpha <= vec4<f32>(ALPHA_MAX));',
    replace: 'let uncapped = hit;',
    tests: ['test/render/backward.test.ts'],
  },
  {
    name: 'backward: wrong sign of the Jacobian x term',
    file: 'shaders/project_backward.wgsl',
    find: 'v_t.x = select(0.0, -fx * rz2 * vj02, x_free);',
    replace: 'v_t.x = select(0.0, fx * rz2 * vj02, x_free);',
    tests: ['test/train/differentiable-renderer.test.ts'],
  },
  {
    name: 'backward: clamped Jacobian z-derivative doubled like the unclamped one',
    file: 'shaders/project_backward.wgsl',
    find: '+ select(1.0, 2.0, y_free) * fy * ty * rz2 * rz * vj12;',
    replace: '+ 2.0 * fy * ty * rz2 * rz * vj12;',
    tests: PROJECT_BWD,
  },
  {
    name: 'backward: quaternion normalisation VJP dropped',
    file: 'shaders/project_backward.wgsl',
    find: 'v_quats[i] = (v_qhat - q * dot(q, v_qhat)) / q_norm;',
    replace: 'v_quats[i] = v_qhat / q_norm;',
    tests: PROJECT_BWD,
  },
  {
    name: 'backward: log-scale chain factor exp(s) dropped',
    file: 'shaders/project_backward.wgsl',
    find: 'let v_ls = v_s * s;',
    replace: 'let v_ls = v_s;',
    tests: PROJECT_BWD,
  },
  {
    name: 'backward: background term of dL/dalpha dropped (GPU shape)',
    file: 'shaders/rasterize_backward.wgsl',
    find: '- fin[p].w * inv * gr.w;',
    replace: ';',
    tests: RASTER_BWD,
  },
  {
    name: 'backward: background term of dL/dalpha dropped (CPU shape)',
    file: 'shaders/rasterize_backward_tile.wgsl',
    find: 's.d[k] = dot(g, image[idx].rgb);',
    replace: 's.d[k] = dot(g, image[idx].rgb - bitcast<f32>(pixel_state[idx].x) * cam.background.rgb);',
    tests: RASTER_BWD,
  },
  {
    name: 'sh backward: view-direction term into the means dropped',
    file: 'shaders/sh_backward.wgsl',
    find: 'v_mean = (v_dir - dir * dot(dir, v_dir)) / len_v;',
    replace: 'v_mean = vec3<f32>(0.0);',
    tests: ['test/train/differentiable-renderer.test.ts'],
  },
  {
    name: 'sh backward: colour clamp mask dropped',
    file: 'shaders/sh_backward.wgsl',
    find: 'let v_rgb = select(v_rgb_in, vec3<f32>(0.0), raw < vec3<f32>(0.0));',
    replace: 'let v_rgb = v_rgb_in;',
    tests: PROJECT_BWD,
  },
  {
    name: 'reduce: densification gradient in pixels x W, not NDC (x W/2)',
    file: 'shaders/project_backward_reduce.wgsl',
    find: 'acc.xy_ab.x * 0.5 * f32(cam.image.x)',
    replace: 'acc.xy_ab.x * f32(cam.image.x)',
    tests: RASTER_BWD,
  },
  {
    name: 'reduce: opacity logit gradient without (1 - o)',
    file: 'shaders/project_backward_reduce.wgsl',
    find: 'acc.c_o_rg.y * p.opacity * (1.0 - p.opacity / p.comp)',
    replace: 'acc.c_o_rg.y * p.opacity',
    tests: RASTER_BWD,
  },

  // Loss and SSIM.
  {
    name: 'ssim: C2 = 0.03 instead of 0.03^2',
    file: 'shaders/common/ssim.wgsl',
    find: 'const SSIM_C2: f32 = 0.0009;',
    replace: 'const SSIM_C2: f32 = 0.03;',
    tests: LOSS,
  },
  {
    name: 'ssim: covariance without the product of means',
    file: 'shaders/ssim_map.wgsl',
    find: 'let s12 = exy - mu1 * mu2;',
    replace: 'let s12 = exy;',
    tests: LOSS,
  },
  {
    name: 'ssim: adjoint row filter drops its leftmost tap',
    file: 'shaders/ssim_backward_h.wgsl',
    find: 'let lo = max(i32(gid.x) - SSIM_RADIUS, 0);',
    replace: 'let lo = max(i32(gid.x) - SSIM_RADIUS + 1, 0);',
    tests: LOSS,
  },
  {
    name: 'loss: L1 gradient weighted by lambda instead of 1 - lambda',
    file: 'shaders/loss_backward.wgsl',
    find: 'let v_l1 = (1.0 - params.ssim_weight) * params.inv_count * sign(x - y);',
    replace: 'let v_l1 = params.ssim_weight * params.inv_count * sign(x - y);',
    tests: LOSS,
  },
  {
    name: 'loss: PSNR with ln instead of log10',
    file: 'shaders/loss_reduce.wgsl',
    find: 'log2(max(mse, MSE_FLOOR)) * 0.30102999566398120',
    replace: 'log2(max(mse, MSE_FLOOR)) * 0.69314718055994531',
    tests: ['test/kernels/image-loss.test.ts'],
  },
  {
    name: 'loss: default weight 0.8 on SSIM',
    file: 'src/kernels/image-loss.ts',
    find: 'const lambda = opts.ssimWeight ?? 0.2;',
    replace: 'const lambda = opts.ssimWeight ?? 0.8;',
    tests: ['test/train/differentiable-renderer.test.ts'],
  },

  // Sort and scan.
  {
    name: 'sort: digit taken one bit off',
    file: 'shaders/common/sort.wgsl',
    find: 'return (key >> p.shift) & p.mask;',
    replace: 'return (key >> (p.shift + 1u)) & p.mask;',
    tests: ['test/kernels/radix-sort.test.ts'],
  },
  {
    name: 'sort: histogram not cleared between passes',
    file: 'shaders/radix_sort_count.wgsl',
    find: 'hist[d * chunks + c] = 0u;',
    replace: 'hist[d * chunks + c] = hist[d * chunks + c];',
    tests: ['test/kernels/radix-sort.test.ts'],
  },
  {
    name: 'scan: inclusive instead of exclusive',
    file: 'shaders/prefix_sum_downsweep.wgsl',
    find: 'dst[i] = run;\n    run += v;',
    replace: 'run += v;\n    dst[i] = run;',
    tests: ['test/kernels/prefix-sum.test.ts'],
  },
  {
    name: 'scan: chunk sum drops its last element',
    file: 'shaders/prefix_sum_reduce.wgsl',
    find: 'let end = min(first + SCAN_CHUNK, len);',
    replace: 'let end = min(first + SCAN_CHUNK - 1u, len);',
    tests: ['test/kernels/prefix-sum.test.ts'],
  },

  // Adam.
  {
    name: 'adam: beta2 0.99',
    file: 'src/kernels/adam.ts',
    find: '{ beta1: 0.9, beta2: 0.999, eps: 1e-15 }',
    replace: '{ beta1: 0.9, beta2: 0.99, eps: 1e-15 }',
    tests: ['test/kernels/adam.test.ts'],
  },
  {
    name: 'adam: eps 1e-8',
    file: 'src/kernels/adam.ts',
    find: '{ beta1: 0.9, beta2: 0.999, eps: 1e-15 }',
    replace: '{ beta1: 0.9, beta2: 0.999, eps: 1e-8 }',
    tests: ['test/kernels/adam.test.ts'],
  },
  {
    name: 'adam: second moment not bias-corrected',
    file: 'shaders/adam.wgsl',
    find: '(sqrt(v / params.bias2) + params.eps)',
    replace: '(sqrt(v) + params.eps)',
    tests: ['test/kernels/adam.test.ts'],
  },

  // Density control.
  {
    name: 'density: minOpacity 0.05',
    file: 'src/train/density-control.ts',
    find: 'minOpacity: 0.005,',
    replace: 'minOpacity: 0.05,',
    tests: ['test/train/density-control.test.ts'],
  },
  {
    name: 'density: resetOpacity 0.1',
    file: 'src/train/density-control.ts',
    find: 'resetOpacity: 0.01,',
    replace: 'resetOpacity: 0.1,',
    tests: ['test/train/density-control.test.ts'],
  },
  {
    name: 'density: clone and split swapped',
    file: 'shaders/densify_classify.wgsl',
    find: 'a = select(ACTION_SPLIT, ACTION_CLONE, s <= params.clone_max_log_scale);',
    replace: 'a = select(ACTION_CLONE, ACTION_SPLIT, s <= params.clone_max_log_scale);',
    tests: ['test/train/density-control.test.ts'],
  },
  {
    name: 'density: opacity reset keeps the first moments',
    file: 'shaders/opacity_reset.wgsl',
    find: 'm_opacity[i] = 0.0;',
    replace: 'm_opacity[i] = m_opacity[i];',
    tests: ['test/train/density-control.test.ts'],
  },

  // Readers.
  {
    name: 'ply: f_rest read coefficient-major instead of channel-major',
    file: 'src/io/ply.ts',
    find: 'at(`f_rest_${c * perChannel + (j - 1)}`)',
    replace: 'at(`f_rest_${(j - 1) * 3 + c}`)',
    tests: ['test/io/ply.test.ts'],
  },
  {
    name: 'splat: rotation bytes centred on 127',
    file: 'src/io/formats/splat.ts',
    find: 'const q = (bytes[o + 28 + a] - 128) / 128;',
    replace: 'const q = (bytes[o + 28 + a] - 127) / 128;',
    tests: ['test/io/formats/splat.test.ts'],
  },
  {
    name: 'spz: log-scale offset -9 instead of -10',
    file: 'src/io/formats/spz.ts',
    find: 'logScales[i * 3 + a] = scales[i * 3 + a] / 16 - 10;',
    replace: 'logScales[i * 3 + a] = scales[i * 3 + a] / 16 - 9;',
    tests: ['test/io/formats/spz.test.ts'],
  },

  // COLMAP loading.
  {
    name: 'colmap: images.bin quaternion taken as xyzw',
    file: 'src/io/colmap/binary-reader.ts',
    find: "const qvec = [r.f64('qw'), r.f64('qx'), r.f64('qy'), r.f64('qz')];",
    replace: "const [q0, q1, q2, q3] = [r.f64('qw'), r.f64('qx'), r.f64('qy'), r.f64('qz')];\n    const qvec = [q3, q0, q1, q2];",
    tests: ['test/io/colmap/readers.test.ts'],
  },
  {
    name: 'colmap: images.txt translation read one column early',
    file: 'src/io/colmap/text-reader.ts',
    find: "const tvec = [5, 6, 7].map((i) => p.num(line, i, 'translation component'));",
    replace: "const tvec = [4, 5, 6].map((i) => p.num(line, i, 'translation component'));",
    tests: ['test/io/colmap/readers.test.ts'],
  },
  {
    name: 'colmap: principal point not scaled with the image',
    file: 'src/io/colmap/dataset.ts',
    find: 'cx: pin.cx * sx,',
    replace: 'cx: pin.cx,',
    tests: ['test/io/colmap/dataset.test.ts'],
  },
  {
    name: 'colmap: evaluation split holds out index % 8 == 1',
    file: 'src/io/colmap/dataset.ts',
    find: 'views.filter((_, i) => i % EVAL_HOLD_EVERY === 0)',
    replace: 'views.filter((_, i) => i % EVAL_HOLD_EVERY === 1)',
    tests: ['test/io/colmap/dataset.test.ts'],
  },
  {
    name: 'colmap: scene extent without the 1.1 factor',
    file: 'src/io/colmap/dataset.ts',
    find: 'if (maxDist > 1e-9) return 1.1 * maxDist;',
    replace: 'if (maxDist > 1e-9) return maxDist;',
    tests: DECISIONS,
  },

  // The trainer's wiring.
  {
    name: 'trainer: SH DC learning rate on red only',
    file: 'src/train/trainer.ts',
    find: "...(g === 'sh' ? { lrRest: b, period: width, first: 3 } : {}),",
    replace: "...(g === 'sh' ? { lrRest: b, period: width, first: 1 } : {}),",
    tests: DECISIONS,
  },
  {
    name: 'trainer: scale group stepped at the rotation rate',
    file: 'src/train/trainer.ts',
    find: 'logScales: [lr.scale, 0],',
    replace: 'logScales: [lr.rotation, 0],',
    tests: DECISIONS,
  },
  {
    name: 'trainer: position learning rate decays from the final rate',
    file: 'src/train/config.ts',
    find: 'Math.exp((1 - tau) * Math.log(lr.meansInit * extent) + tau * Math.log(lr.meansFinal * extent))',
    replace: 'Math.exp((1 - tau) * Math.log(lr.meansFinal * extent) + tau * Math.log(lr.meansInit * extent))',
    tests: DECISIONS,
  },
  {
    name: 'init: opacity 0.01',
    file: 'src/train/init.ts',
    find: 'export const INIT_DEFAULTS = { shDegree: 3, opacity: 0.1, neighbours: 3 } as const;',
    replace: 'export const INIT_DEFAULTS = { shDegree: 3, opacity: 0.01, neighbours: 3 } as const;',
    tests: ['test/train/init.test.ts'],
  },

  // MCMC densification and selective Adam.
  {
    name: 'mcmc: a source drawn k times counts as k copies, not k + 1',
    file: 'shaders/mcmc_relocate.wgsl',
    find: 'mcmc_relocated(opacity_logits[src], counts[src] + 1u, params.min_opacity)',
    replace: 'mcmc_relocated(opacity_logits[src], max(counts[src], 1u), params.min_opacity)',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: binomial sum without alternating signs',
    file: 'shaders/mcmc_common.wgsl',
    find: '    sign = -sign;\n',
    replace: '',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: dead splats can be drawn as sources',
    file: 'shaders/mcmc_weights.wgsl',
    find: 'flags[i] = select(w, 0u, dead);',
    replace: 'flags[i] = w;',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: "mcmc: copies keep their source's moments",
    file: 'shaders/mcmc_copy.wgsl',
    find: '    m1[d] = 0.0;\n',
    replace: '    m1[d] = m1[pr.x * w + e];\n',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: drawn sources keep their moments',
    file: 'shaders/mcmc_copy.wgsl',
    find: '} else if (counts[r] > 0u) {',
    replace: '} else if (counts[r] > 1000000u) {',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: noise scaled by the standard deviation, not the covariance',
    file: 'shaders/mcmc_noise.wgsl',
    find: 'exp(2.0 * s)',
    replace: 'exp(s)',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: noise gate inverted (opaque splats move)',
    file: 'shaders/mcmc_noise.wgsl',
    find: 'exp(min(params.sharpness * (o - params.gate_opacity), 80.0))',
    replace: 'exp(min(-params.sharpness * (o - params.gate_opacity), 80.0))',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: noise ignores the seed',
    file: 'shaders/mcmc_noise.wgsl',
    find: 'mcmc_key(params.seed, params.iteration, MCMC_STREAM_NOISE)',
    replace: 'mcmc_key(0u, params.iteration, MCMC_STREAM_NOISE)',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: scale regulariser averaged over N, not 3N',
    file: 'src/train/mcmc-strategy.ts',
    find: 'scaleCoeff: c.scaleReg / (3 * n),',
    replace: 'scaleCoeff: c.scaleReg / n,',
    tests: ['test/train/mcmc-strategy.test.ts'],
  },
  {
    name: 'mcmc: growth stays at 5% per refinement (misses the budget)',
    file: 'src/train/mcmc-config.ts',
    find: 'Math.max(Math.floor(n * (1 + c.growthRate)), onPath)',
    replace: 'Math.floor(n * (1 + c.growthRate))',
    tests: ['test/reference/mcmc.test.ts'],
  },
  {
    name: 'adam: selective Adam updates unseen splats',
    file: 'shaders/adam.wgsl',
    find: 'if (params.row_width != 0u && projected[e / params.row_width].tiles == 0u) { return; }',
    replace: '',
    tests: ['test/kernels/selective-adam.test.ts'],
  },
  {
    name: 'adam: selective Adam not passed by the trainer',
    file: 'src/train/trainer.ts',
    find: '...(this.config.selectiveAdam ? {',
    replace: '...(false ? {',
    tests: ['test/train/mcmc-trainer.test.ts'],
  },
  // Viewer (sorted quads) and anti-aliasing.
  {
    name: 'viewer: an unchanged scene reuses the last order for another camera',
    file: 'src/render/sorted-splat-pass.ts',
    find: 'if (unchanged && same && this.lastOrder) {',
    replace: 'if (unchanged && this.lastOrder) {',
    tests: ['test/render/sorted-splats.test.ts'],
  },
  {
    name: 'viewer: the triangle is too small for the ellipse (circumradius 1.5)',
    file: 'shaders/splat_quads.wgsl',
    find: 'array<vec2<f32>, 3>(vec2<f32>(0.0, 2.0), vec2<f32>(-1.7320508, -1.0), vec2<f32>(1.7320508, -1.0))',
    replace: 'array<vec2<f32>, 3>(vec2<f32>(0.0, 1.5), vec2<f32>(-1.299038, -0.75), vec2<f32>(1.299038, -0.75))',
    tests: ['test/render/sorted-splats.test.ts'],
  },
  {
    name: 'antialias: the trainer skips the 3D filter chain rule',
    file: 'src/train/trainer.ts',
    find: 'this.filter3d?.encodeBackward(pass, st, grads);',
    replace: '',
    tests: ['test/train/antialias-trainer.test.ts'],
  },
  {
    name: 'antialias: the export is not marked anti-aliased',
    file: 'src/train/filter3d.ts',
    find: 'scene.antialiased = true;',
    replace: '',
    tests: ['test/train/antialias-scales.test.ts'],
  },
];
