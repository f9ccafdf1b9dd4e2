#!/usr/bin/env bash
# The GPU machine's benchmark run (the `device` tool; that machine has no Node and no Vulkan
# loader), prepared here so a lease is spent measuring:
#
#   bash scripts/device-kit.sh pack        # here: fills .device/ and .gl/ (both git-ignored)
#   device run, carry [".device", ".gl"], command:
#     bash scripts/device-kit.sh run       # there: issue 8's GPU targets, then `npm run bench`
#   node scripts/run-ts.mjs bench/run.ts --from-json <files_at>/bench.json   # here, afterwards
#
# `run` writes to $OUT: gpu-targets.json (bench/gpu-targets.ts), bench.json (bench/run.ts's
# results file for that adapter), tests.txt (the GPU kernel, render and training tests run on
# that GPU: test/gpu, test/kernels, test/render, test/train), log.txt. Options after `run` go to
# bench/gpu-targets.ts (e.g. --splats 200000 for a quick try); KIT_SKIP_BENCH=1 skips
# bench/run.ts, KIT_SKIP_TESTS=1 the tests. Each step has its own time limit, so one that hangs
# does not spend the lease.
# `run --local` tries the kit here on SwiftShader at small sizes (OUT defaults to /tmp/device-out).
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=.device

pack() {
  command -v xz >/dev/null || { echo "device-kit: xz is needed (apt-get install xz-utils)" >&2; exit 1; }
  node scripts/device-bundle.mjs
  rm -f "$KIT/node_modules/webgpu/dist/linux-x64/dawn.node" # a local run's; it travels compressed
  mkdir -p "$KIT/node_modules/webgpu/dist/linux-x64" "$KIT/data"
  xz -T2 -6 -c "$(command -v node)" >"$KIT/node.xz"
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$KIT/node_modules/webgpu/"
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$KIT/dawn.node.xz"
  cp ../shared/data/ply/playbot-8406.ply "$KIT/data/"
  # What vitest needs to run the GPU tests there (not the peers' viewers, compilers or Chromium
  # drivers; dawn.node travels on its own).
  tar -C . -cf - --exclude='node_modules/playcanvas' --exclude='node_modules/@playcanvas' \
    --exclude='node_modules/webgpu/dist' --exclude='node_modules/typescript' --exclude='node_modules/@typescript' \
    --exclude='node_modules/playwright-core' --exclude='node_modules/@types' --exclude='node_modules/.vite' \
    node_modules | xz -T2 -6 >"$KIT/node_modules.tar.xz"
  cat >"$KIT/main.mjs" <<'EOF'
// Runs one bundle's main(argv): node .device/main.mjs <bundle.mjs> [args]
const [bundle, ...args] = process.argv.slice(2);
const m = await import(new URL(bundle, `file://${process.cwd()}/`).href);
process.exitCode = (await m.main(args)) ?? 0;
EOF
  # The Vulkan loader, unpacked over / there (the device README's recipe).
  mkdir -p .gl /tmp/amd64/partial
  local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update -qq
  # shellcheck disable=SC2086
  (cd .gl && rm -f ./*.deb && apt-get $o download libvulkan1 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  ls .gl/*.deb >/dev/null
  du -sh "$KIT" .gl
}

run() {
  local local_run=0
  if [[ "${1:-}" == --local ]]; then local_run=1; shift; fi
  OUT=${OUT:-/tmp/device-out}
  mkdir -p "$OUT"
  [[ -f "$KIT/node.xz" && -d .gl ]] || { echo "device-kit: run 'bash scripts/device-kit.sh pack' here first and carry .device and .gl" >&2; exit 1; }
  local bin=/tmp/device-kit
  mkdir -p "$bin"
  xz -dc "$KIT/node.xz" >"$bin/node" && chmod +x "$bin/node"
  xz -dc "$KIT/dawn.node.xz" >"$KIT/node_modules/webgpu/dist/linux-x64/dawn.node"
  # Uncompressed it would push the next call's working tree past the device's 64 MiB.
  trap 'rm -f "$KIT/node_modules/webgpu/dist/linux-x64/dawn.node"' EXIT
  if [[ ! -d node_modules/vitest && "${KIT_SKIP_TESTS:-0}" != 1 ]]; then
    xz -dc "$KIT/node_modules.tar.xz" | tar -xf -
    mkdir -p node_modules/webgpu/dist/linux-x64
    cp "$KIT/node_modules/webgpu/dist/linux-x64/dawn.node" node_modules/webgpu/dist/linux-x64/
  fi
  local args=(--require-gpu)
  if [[ $local_run == 1 ]]; then
    export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
    args=(--splats 20000 --size 320x180 --train-splats 20000 --train-size 160x100 --frames 3 --steps 3)
  else
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    nvidia-smi -L || true
  fi
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
  local node="$bin/node"
  set -o pipefail
  {
    echo "== gpu-targets $(date -u +%FT%TZ)"
    timeout "${KIT_TARGETS_S:-150}" "$node" "$KIT/main.mjs" "$KIT/dist/gpu-targets.mjs" "${args[@]}" "$@" --out "$OUT/gpu-targets.json" || echo "== gpu-targets failed: $?"
    if [[ "${KIT_SKIP_BENCH:-0}" != 1 ]]; then
      echo "== bench $(date -u +%FT%TZ)"
      local bench=(--peer-scene "$KIT/data/playbot-8406.ply")
      [[ $local_run == 1 ]] && bench+=(--quick --max-splats 10000 --train-iters 3 --runs 1)
      timeout "${KIT_BENCH_S:-120}" "$node" "$KIT/main.mjs" "$KIT/dist/bench.mjs" "${bench[@]}" --out "$OUT/bench.json" || echo "== bench failed: $?"
    fi
    if [[ "${KIT_SKIP_TESTS:-0}" != 1 ]]; then
      echo "== tests $(date -u +%FT%TZ)"
      local tests=(test/gpu test/kernels test/render test/train)
      [[ $local_run == 1 ]] && tests=(test/gpu)
      PATH="$bin:$PATH" timeout "${KIT_TESTS_S:-240}" "$node" node_modules/vitest/vitest.mjs run "${tests[@]}" >"$OUT/tests.txt" 2>&1 || echo "== tests failed: $? (tests.txt)"
      tail -n 8 "$OUT/tests.txt"
    fi
    echo "== done $(date -u +%FT%TZ)"
  } 2>&1 | tee "$OUT/log.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: bash scripts/device-kit.sh pack | run [--local] [gpu-targets options]" >&2; exit 2 ;;
esac
