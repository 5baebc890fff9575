#!/usr/bin/env bash
# secret-bench.sh — secret scanning throughput (MB/s of uncompressed layer content), in the same run
# on the same machine:
#   hullscan  bench/secret_scan_bench (the secret analyzer alone over every layer of the OCI layout,
#             layers in parallel, each read once as a verified stream) — until `hullscan image X
#             --scanners secret` is wired, this is that pass without the report;
#   Trivy     `trivy image --input X.tar --scanners secret -f json -q`, cold (a fresh cache dir per run);
#   floor     `igzip -dc` of the image's layer blobs to /dev/null, blobs in parallel like the layers.
# Wall times are medians of RUNS runs. The issue's targets: hullscan ≤ 0.1× Trivy's wall time and
# within 1.5× of the decompression floor. Prints Markdown.
#
# Usage: bench/secret-bench.sh [IMAGE_KEY...]   (default: app-secrets_bookworm app-node_bookworm,
#        the secrets image and the largest reference image)
# Env: HULLSCAN_IMAGES (default /work/images), PEERS (default /work/peers), RUNS (default 5),
#      BUILD (a Release build dir holding bench/secret_scan_bench; default build/secrets-rel, configured
#      and built when missing), NO_TRIVY=1 to skip Trivy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
images=${HULLSCAN_IMAGES:-/work/images}
peers=${PEERS:-/work/peers}
runs=${RUNS:-5}
build=${BUILD:-$root/build/secrets-rel}
bench=$build/bench/secret_scan_bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { echo "[secret-bench] $*" >&2; }
keys=("$@")
((${#keys[@]})) || keys=(app-secrets_bookworm app-node_bookworm)
jobs=$(nproc)

if [[ ! -x $bench ]]; then
  log "building $bench"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHULLSCAN_BUILD_TESTS=OFF >&2
  ninja -C "$build" -j"$jobs" secret_scan_bench >&2
fi
trivy=
if [[ ${NO_TRIVY:-0} != 1 ]]; then
  if [[ -x $peers/bin/trivy ]]; then trivy=$peers/bin/trivy; else log "no $peers/bin/trivy; Trivy column left empty"; fi
fi

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
time_it() { # CMD...: median wall seconds over RUNS runs (stdout of the command discarded)
  local i t0 t1
  : >"$tmp/t"
  for ((i = 0; i < runs; i++)); do
    [[ -n ${BEFORE_EACH:-} ]] && eval "$BEFORE_EACH"
    t0=$(now); "$@" >/dev/null; t1=$(now)
    echo "$t1 - $t0" | bc -l >>"$tmp/t"
  done
  median <"$tmp/t"
}
layer_blobs() { # OCI layout dir: the layer blob paths of its (single) image
  python3 - "$1" <<'PY'
import json, sys, os
d = sys.argv[1]
def blob(dg): return os.path.join(d, "blobs", *dg.split(":", 1))
idx = json.load(open(os.path.join(d, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for l in man["layers"]: print(blob(l["digest"]))
PY
}
trivy_cold() { rm -rf "$tmp/tc"; mkdir -p "$tmp/tc"; [[ -d $peers/cache/trivy/java-db ]] && cp -r "$peers/cache/trivy/java-db" "$tmp/tc/"; true; }
trivy_run() { TRIVY_CACHE_DIR=$tmp/tc "$trivy" image --input "$1" --scanners secret -f json -q; }
floor_run() { layer_blobs "$1" | xargs -P "$jobs" -I{} sh -c 'igzip -dc "$1" >/dev/null' _ {}; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", b / 1e6 / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
secs() { awk -v s="$1" 'BEGIN {printf "%.3f", s}'; }

echo "| image | layer content MB | hits (ours / Trivy) | hullscan s (MB/s) | Trivy s (MB/s) | hullscan / Trivy | igzip floor s (MB/s) | hullscan / floor |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for key in "${keys[@]}"; do
  oci=$images/oci/$key
  tar=$images/docker-archive/$key.tar
  [[ -d $oci ]] || { log "$oci missing, skipped"; continue; }
  line=$("$bench" "oci:$oci")
  bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$line")
  hits=$(sed -n 's/.*hits=\([0-9]*\).*/\1/p' <<<"$line")
  log "$key: $line"
  ours=$(time_it "$bench" "oci:$oci")
  floor=$(time_it floor_run "$oci")
  theirs=; theirs_hits=-
  if [[ -n $trivy && -f $tar ]]; then
    trivy_cold
    theirs_hits=$(trivy_run "$tar" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(r.get("Secrets") or []) for r in d.get("Results") or []))')
    theirs=$(BEFORE_EACH=trivy_cold time_it trivy_run "$tar")
  fi
  mb=$(echo "scale=1; $bytes / 1000000" | bc -l)
  t_col="–"; r_col="–"
  if [[ -n $theirs ]]; then t_col="$(secs "$theirs") ($(mbps "$bytes" "$theirs"))"; r_col="$(ratio "$ours" "$theirs")×"; fi
  printf '| %s | %s | %s / %s | %.3f (%s) | %s | %s | %.3f (%s) | %s× |\n' "$key" "$mb" "$hits" "$theirs_hits" \
    "$ours" "$(mbps "$bytes" "$ours")" "$t_col" "$r_col" "$floor" "$(mbps "$bytes" "$floor")" "$(ratio "$ours" "$floor")"
done
echo
echo "RUNS=$runs, $(nproc) cores, medians of wall time; hullscan = bench/secret_scan_bench (${build#$root/}), Trivy cold cache."
