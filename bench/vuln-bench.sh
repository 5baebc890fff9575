#!/usr/bin/env bash
# vuln-bench.sh — the vulnerability stages, in the same run on the same machine:
#   1. `hullscan db build` of all of ../shared/vulndata: wall time, peak RSS, DB size (medians);
#   2. matching 1,000 real packages (bench/match_bench.cc, Google Benchmark);
#   3. the full `hullscan image` (inventory + matching + JSON report) on each reference image's
#      docker-archive, against Trivy's SBOM-only pass (`image --input … --format cyclonedx`, cold cache),
#      which does less work (no matching) — the issue's target is ≤ 0.1× its wall time.
# Prints Markdown (bench/README.md keeps the latest).
#
# Usage: bench/vuln-bench.sh [IMAGE_KEY...]   (default: every reference image)
# Env: HULLSCAN_IMAGES (default build/test-images), PEERS (default build/peers), RUNS (default 5),
#      BUILD (default build/release), NO_TRIVY=1 to skip Trivy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
images=${HULLSCAN_IMAGES:-$root/build/test-images}
peers=${PEERS:-$root/build/peers}
runs=${RUNS:-5}
build=${BUILD:-$root/build/release}
hullscan=$build/apps/hullscan
shared=${HULLSCAN_SHARED_DIR:-$root/../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { echo "[vuln-bench] $*" >&2; }

[[ -x $hullscan && -x $build/bench/match_bench ]] || {
  cmake --preset release >/dev/null && cmake --build --preset release --target hullscan match_bench >&2; }
[[ -f $images/images.tsv ]] || scripts/build-test-images "$images" >&2

trivy=
if [[ ${NO_TRIVY:-0} != 1 ]]; then
  if line=$("$shared/tools/peer-tools.sh" "$peers" trivy 2>/dev/null); then trivy=$(cut -f2 <<<"$line"); fi
  [[ -n $trivy ]] || log "Trivy not available; its column stays empty"
fi

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
measure() { # CMD...: "<median seconds> <median peak KiB>" over RUNS runs
  local i t0 t1
  : >"$tmp/t"
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$tmp/one" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}') $(cat "$tmp/one")" >>"$tmp/t"
  done
  echo "$(cut -d' ' -f1 "$tmp/t" | median) $(cut -d' ' -f2 "$tmp/t" | median)"
}
trivy_cold() {
  rm -rf "$tmp/trivy-cache" && mkdir -p "$tmp/trivy-cache" && cp -a "$peers/cache/trivy/java-db" "$tmp/trivy-cache/"
  TRIVY_CACHE_DIR=$tmp/trivy-cache "$trivy" image --input "$1" --format cyclonedx --output /dev/null --quiet
}
export -f trivy_cold
export tmp peers trivy

db=$tmp/db.sqlite
log "db build"
read -r t_build rss_build < <(measure "$hullscan" db build --from "$shared/vulndata" --output "$db" -q)
size_mib=$(stat -c %s "$db" | awk '{printf "%.1f", $1/1048576}')
feed_mib=$(du -sb "$shared/vulndata" | awk '{printf "%.1f", $1/1048576}')
counts=$("$hullscan" db status --db "$db" -f json | jq -r '"\(.advisories) advisories, \(.affected) affected packages, \(.kev) KEV"')
echo "### Database build"
echo
echo "| input | wall s (median of $runs) | peak RSS MiB | DB size MiB | contents |"
echo "|---|---|---|---|---|"
printf '| ../shared/vulndata (%s MiB, %s files) | %s | %.0f | %s | %s |\n' "$feed_mib" "$(find "$shared/vulndata" -type f | wc -l)" \
  "$t_build" "$(awk -v k="$rss_build" 'BEGIN {print k/1024}')" "$size_mib" "$counts"
echo

log "match_bench"
echo "### Matching 1,000 packages"
echo
echo '```'
HULLSCAN_IMAGES=$images HULLSCAN_BENCH_DB=$db "$build/bench/match_bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true 2>&1 | grep -E 'match_bench:|BM_|^-|Benchmark'
echo '```'
echo

keys=("$@")
((${#keys[@]} > 0)) || mapfile -t keys < <(tail -n +2 "$images/images.tsv" | cut -f1)
echo "### Full scan (inventory + matching + report) against Trivy's SBOM-only pass"
echo
echo "| image | packages | findings | hullscan image s | peak RSS MiB | Trivy SBOM s | ×Trivy |"
echo "|---|---|---|---|---|---|---|"
for key in "${keys[@]}"; do
  log "$key"
  archive=$images/docker-archive/$key.tar
  read -r t_scan rss_scan < <(measure "$hullscan" image "docker-archive:$archive" --scanners vuln --db "$db" -f json -o "$tmp/out.json")
  pkgs=$(jq '.packages | length' "$tmp/out.json")
  findings=$(jq '.findings | length' "$tmp/out.json")
  t_trivy="" x_trivy=""
  if [[ -n $trivy ]]; then
    read -r t_trivy _ < <(measure bash -c 'trivy_cold "$1"' _ "$archive") || t_trivy=""
    [[ -n $t_trivy ]] && x_trivy=$(awk -v a="$t_scan" -v b="$t_trivy" 'BEGIN {printf "%.3f", a/b}')
  fi
  printf '| %s | %s | %s | %s | %.1f | %s | %s |\n' "$key" "$pkgs" "$findings" "$t_scan" \
    "$(awk -v k="$rss_scan" 'BEGIN {print k/1024}')" "$t_trivy" "$x_trivy"
done
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p'); runs per figure: $runs (medians); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
