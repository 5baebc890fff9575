#!/usr/bin/env bash
# registry-bench.sh — scanning straight from a registry: hullscan's pull-and-scan of each reference
# image from a real docker-registry on loopback, against the transfer floor (`skopeo copy` of the
# same image to a local OCI dir), against Trivy's remote scan (`trivy image --image-src remote`,
# SBOM pass, cold cache), and hullscan's cached rescan (manifest + config only). Then a sweep of
# the whole registry with `registry scan --concurrency 2`. Medians of RUNS runs, same machine,
# same run. Prints a Markdown table (bench/README.md keeps the latest).
#
# Usage: bench/registry-bench.sh [IMAGE_KEY...]   (default: every reference image)
# Env: HULLSCAN_IMAGES (default build/test-images), PEERS (default build/peers), RUNS (default 5),
#      HULLSCAN (default build/release/apps/hullscan), NO_TRIVY=1 to skip Trivy, PORT (default 5055).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
images=${HULLSCAN_IMAGES:-$root/build/test-images}
peers=${PEERS:-$root/build/peers}
runs=${RUNS:-5}
port=${PORT:-5055}
hullscan=${HULLSCAN:-$root/build/release/apps/hullscan}
shared=${HULLSCAN_SHARED_DIR:-$root/../shared}
tmp=$(mktemp -d)
reg=$tmp/registry
host=127.0.0.1:$port
cleanup() { "$shared/tools/registry.sh" stop "$reg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

log() { echo "[registry-bench] $*" >&2; }

[[ -x $hullscan ]] || { cmake --preset release >/dev/null && cmake --build --preset release --target hullscan >&2; }
[[ -f $images/images.tsv ]] || scripts/build-test-images "$images" >&2

trivy=
if [[ ${NO_TRIVY:-0} != 1 ]]; then
  if line=$("$shared/tools/peer-tools.sh" "$peers" trivy 2>/dev/null); then trivy=$(cut -f2 <<<"$line"); fi
  [[ -n $trivy ]] || log "Trivy not available; its column stays empty"
fi

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# measure [--before CMD] CMD...: median wall seconds of RUNS runs; CMD of --before runs untimed first.
measure() {
  local before="" i t0 t1
  if [[ $1 == --before ]]; then before=$2; shift 2; fi
  : >"$tmp/t"
  for ((i = 0; i < runs; i++)); do
    [[ -n $before ]] && eval "$before"
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b-a}' >>"$tmp/t"
  done
  median <"$tmp/t"
}

ref_of() { jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$images/oci/$1/index.json"; }

keys=("$@")
((${#keys[@]})) || mapfile -t keys < <(tail -n +2 "$images/images.tsv" | cut -f1)

"$shared/tools/registry.sh" start "$reg" --port "$port" >&2
for key in "${keys[@]}"; do
  skopeo copy -q --dest-tls-verify=false "oci:$images/oci/$key:$(ref_of "$key")" "docker://$host/bench/$key:latest" >&2
done

cache=$tmp/cache
export HULLSCAN_CACHE_DIR=$cache
echo "| image | MiB gz | skopeo copy s (floor) | hullscan cold s | ×floor | Trivy remote s | ×Trivy | hullscan warm (cached) s |"
echo "|---|---|---|---|---|---|---|---|"
for key in "${keys[@]}"; do
  log "$key"
  ref=$host/bench/$key:latest
  mib=$(awk -F'\t' -v k="$key" '$1 == k {printf "%.1f", $4/1048576}' "$images/images.tsv")
  t_copy=$(measure --before "rm -rf '$tmp/copy'" skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$tmp/copy:x")
  t_cold=$(measure --before "rm -rf '$cache'" "$hullscan" sbom "$ref" -f cyclonedx -q)
  "$hullscan" sbom "$ref" -f cyclonedx -q >/dev/null  # fill the cache
  t_warm=$(measure "$hullscan" sbom "$ref" -f cyclonedx -q)
  t_trivy="" x_trivy=""
  if [[ -n $trivy ]]; then
    t_trivy=$(measure --before "rm -rf '$tmp/tc' && mkdir -p '$tmp/tc' && cp -a '$peers/cache/trivy/java-db' '$tmp/tc/'" \
      env TRIVY_CACHE_DIR="$tmp/tc" TRIVY_INSECURE=true TRIVY_NON_SSL=true "$trivy" image --image-src remote \
      --format cyclonedx --output /dev/null --quiet "$ref") || t_trivy=""
    [[ -n $t_trivy ]] && x_trivy=$(awk -v a="$t_cold" -v b="$t_trivy" 'BEGIN {printf "%.3f", a/b}')
  fi
  x_copy=$(awk -v a="$t_cold" -v b="$t_copy" 'BEGIN {printf "%.2f", a/b}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$key" "$mib" "$t_copy" "$t_cold" "$x_copy" "$t_trivy" "$x_trivy" "$t_warm"
done

log "sweep"
t_sweep_cold=$(measure --before "rm -rf '$cache' '$tmp/reports'" "$hullscan" registry scan "$host" --tags all --concurrency 2 \
  --scanners none --output-dir "$tmp/reports" -q)
t_sweep_warm=$(measure "$hullscan" registry scan "$host" --tags all --concurrency 2 --scanners none --output-dir "$tmp/reports" -q)
echo
echo "Sweep of all ${#keys[@]} images (\`registry scan --tags all --concurrency 2 --scanners none\`): cold cache ${t_sweep_cold} s, warm ${t_sweep_warm} s."
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p'); runs per figure: $runs (medians); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
