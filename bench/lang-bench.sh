#!/usr/bin/env bash
# lang-bench.sh — language packages on the application reference images, against Trivy on the same
# images in the same run: packages found per ecosystem (purl type) by each tool, and wall time
# (median of RUNS) of hullscan's SBOM pass vs Trivy's (`image --input … --format cyclonedx`, cold cache).
# Prints Markdown (bench/README.md keeps the latest).
#
# Usage: bench/lang-bench.sh [IMAGE_KEY...]   (default: the app-* images)
# Env: HULLSCAN_IMAGES (default build/test-images), PEERS (default build/peers), RUNS (default 5),
#      HULLSCAN (default build/release/apps/hullscan).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
images=${HULLSCAN_IMAGES:-$root/build/test-images}
peers=${PEERS:-$root/build/peers}
runs=${RUNS:-5}
hullscan=${HULLSCAN:-$root/build/release/apps/hullscan}
shared=${HULLSCAN_SHARED_DIR:-$root/../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { echo "[lang-bench] $*" >&2; }

[[ -x $hullscan ]] || { cmake --preset release >/dev/null && cmake --build --preset release --target hullscan >&2; }
[[ -f $images/images.tsv ]] || scripts/build-test-images "$images" >&2
line=$("$shared/tools/peer-tools.sh" "$peers" trivy) || { log "Trivy is needed"; exit 1; }
trivy=$(cut -f2 <<<"$line")

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
seconds() { # CMD...: median wall seconds over RUNS runs
  local i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b-a}'
  done | median
}
trivy_cold() { # ARCHIVE [OUTPUT]
  rm -rf "$tmp/trivy-cache" && mkdir -p "$tmp/trivy-cache" && cp -a "$peers/cache/trivy/java-db" "$tmp/trivy-cache/"
  TRIVY_CACHE_DIR=$tmp/trivy-cache "$trivy" image --input "$1" --format cyclonedx --output "${2:-/dev/stdout}" --quiet
}
# "type:count type:count" of the language purls in a CycloneDX document (OS types left out)
lang_counts() {
  jq -r '[.. | objects | select(has("purl")) | .purl | capture("^pkg:(?<t>[^/]+)/").t
          | select(. != "deb" and . != "apk" and . != "rpm" and . != "oci")] | group_by(.) | map("\(.[0]):\(length)") | join(" ")' "$1"
}

keys=("$@")
((${#keys[@]} > 0)) || mapfile -t keys < <(tail -n +2 "$images/images.tsv" | cut -f1 | grep '^app-')
echo "| image | hullscan language packages | Trivy language packages | hullscan s | Trivy s | ×Trivy |"
echo "|---|---|---|---|---|---|"
for key in "${keys[@]}"; do
  log "$key"
  archive=$images/docker-archive/$key.tar
  "$hullscan" sbom "docker-archive:$archive" -f cyclonedx -o "$tmp/h.json"
  trivy_cold "$archive" "$tmp/t.json"
  t_h=$(seconds "$hullscan" sbom "docker-archive:$archive" -f cyclonedx)
  t_t=$(seconds trivy_cold "$archive")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$key" "$(lang_counts "$tmp/h.json")" "$(lang_counts "$tmp/t.json")" \
    "$t_h" "$t_t" "$(awk -v a="$t_h" -v b="$t_t" 'BEGIN {printf "%.3f", a/b}')"
done
echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); runs per figure: $runs (medians); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
