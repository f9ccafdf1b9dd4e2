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
# results file for that adapter), log.txt. Options after `run` go to bench/gpu-targets.ts
# (e.g. --splats 200000 for a quick try); KIT_SKIP_BENCH=1 skips bench/run.ts.
# `run --local` tries the kit here on SwiftShader at small sizes (OUT defaults to /tmp/device-out).
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=.device

pack() {
  command -v xz >/dev/null || { echo "device-kit: xz is needed (apt-get install xz-utils)" >&2; exit 1; }
  node scripts/device-bundle.mjs
  mkdir -p "$KIT/node_modules/webgpu/dist/linux-x64" "$KIT/data"
  xz -T2 -6 -c "$(command -v node)" >"$KIT/node.xz"
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$KIT/node_modules/webgpu/"
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$KIT/dawn.node.xz"
  cp ../shared/data/ply/playbot-8406.ply "$KIT/data/"
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
    "$node" "$KIT/main.mjs" "$KIT/dist/gpu-targets.mjs" "${args[@]}" "$@" --out "$OUT/gpu-targets.json"
    if [[ "${KIT_SKIP_BENCH:-0}" != 1 ]]; then
      echo "== bench $(date -u +%FT%TZ)"
      local bench=(--peer-scene "$KIT/data/playbot-8406.ply")
      [[ $local_run == 1 ]] && bench+=(--quick --max-splats 10000 --train-iters 3 --runs 1)
      "$node" "$KIT/main.mjs" "$KIT/dist/bench.mjs" "${bench[@]}" --out "$OUT/bench.json"
    fi
    echo "== done $(date -u +%FT%TZ)"
  } 2>&1 | tee "$OUT/log.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: bash scripts/device-kit.sh pack | run [--local] [gpu-targets options]" >&2; exit 2 ;;
esac
