#!/usr/bin/env bash
# Training speed alone and beside a busy neighbour: `stylegan train` (cpu-tiny on the bundled MNIST, no augmentation,
# --kimg KIMG) once on a quiet machine and once beside NEIGHBOURS processes that each keep one core busy, for each
# OpenMP wait policy: the library's PASSIVE default, and libgomp's own default (spin at every barrier, then sleep).
# Prints a table of the median sec/kimg of the ticks after the first, and writes bench/results/load-STAMP.json.
#
# Usage: bash bench/load-test.sh [KIMG (default 3)] [NEIGHBOURS (default 2)]
# Run it on a machine with nothing else running; it builds the tool in Release first. Needs jq and bc.
# (Not -e: the busy neighbours are ended with kill, whose status is not a failure here.)
set -uo pipefail
cd "$(dirname "$0")/.."
kimg=${1:-3}
neighbours=${2:-2}
dotnet build -c Release src/StyleGan.Cli -v q -nologo >/dev/null
cli=src/StyleGan.Cli/bin/Release/net10.0/stylegan
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null || true' EXIT

# One run: its median sec/kimg over the ticks after the first (the first holds the start-up).
run() {
  local out=$1; shift
  env "$@" "$cli" train --kimg "$kimg" --tick 0.5 --snap 1000 --aug noaug --outdir "$out" >"$out.log" 2>&1 \
    || { echo "load-test: training failed, see below" >&2; cat "$out.log" >&2; exit 1; }
  jq -s '[.[1:][]["timing/sec_per_kimg"]] | sort | .[length / 2 | floor]' "$out"/*/stats.jsonl
}

stamp=$(date -u +%Y%m%d-%H%M%S)
rows=()
printf '%-36s %14s %20s %8s\n' "OpenMP wait policy" "alone sec/kimg" "beside $neighbours busy" "ratio"
for policy in passive spin; do
  # PASSIVE is what the library sets; GOMP_SPINCOUNT keeps the library's hands off and gives libgomp's default spinning.
  if [ "$policy" = passive ]; then settings=(OMP_WAIT_POLICY=PASSIVE); else settings=(GOMP_SPINCOUNT=300000); fi
  alone=$(run "$work/$policy-alone" "${settings[@]}")
  pids=()
  for _ in $(seq "$neighbours"); do (while :; do :; done) & pids+=($!); done
  loaded=$(run "$work/$policy-loaded" "${settings[@]}")
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
  ratio=$(echo "$loaded / $alone" | bc -l)
  printf '%-36s %14.1f %20.1f %8.2f\n' "$policy (${settings[*]})" "$alone" "$loaded" "$ratio"
  rows+=("{\"policy\": \"$policy\", \"settings\": \"${settings[*]}\", \"alone_sec_per_kimg\": $alone, \"loaded_sec_per_kimg\": $loaded}")
done

mkdir -p bench/results
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
family=$(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs)
model=$(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs)
kernels=$("$cli" info | grep -o "oneDNN (float32 results checked)\|libtorch's own kernels" | head -1)
file=bench/results/load-$stamp.json
printf '{\n "date": "%s",\n "machine": {"cores": %s, "cpu": "%s (family %s, model %s)", "kernels": "%s"},\n "kimg": %s,\n "neighbours": %s,\n "results": [%s]\n}\n' \
  "$(date -u +%FT%TZ)" "$(nproc)" "$cpu" "$family" "$model" "$kernels" "$kimg" "$neighbours" "$(IFS=,; echo "${rows[*]}")" >"$file"
echo "wrote $file"
