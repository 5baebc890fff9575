#!/usr/bin/env bash
# sbom-bench.sh — hullscan's SBOM pass on the reference images, against the physical floor
# (inflating the layer blobs) and against Trivy, in the same run on the same machine.
#
# For each image: hullscan `sbom` wall time and peak RSS, median of RUNS runs, on the OCI layout
# (compressed layers) and on the docker-archive (uncompressed layers); the decompression floor
# (`gzip -dc` and ISA-L's `igzip -dc` of all layer blobs to /dev/null); Trivy v0.44's SBOM pass
# (`image --input docker-archive --format cyclonedx`, a cold cache each run). Also a synthetic
# image of ~1 GiB (the Debian base plus 1 GiB of incompressible files) to show that memory stays
# flat as images grow. Prints a Markdown table (bench/README.md keeps the latest).
#
# Usage: bench/sbom-bench.sh [IMAGE_KEY...]   (default: every reference image + synthetic-1g)
# Env: HULLSCAN_IMAGES (default build/test-images), PEERS (default build/peers), RUNS (default 5),
#      HULLSCAN (default build/release/apps/hullscan), NO_TRIVY=1 to skip Trivy.
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

log() { echo "[sbom-bench] $*" >&2; }

[[ -x $hullscan ]] || { cmake --preset release >/dev/null && cmake --build --preset release --target hullscan >&2; }
[[ -f $images/images.tsv ]] || scripts/build-test-images "$images" >&2
command -v igzip >/dev/null || { apt-get install -y -qq isal >/dev/null 2>&1 || true; }

trivy=
if [[ ${NO_TRIVY:-0} != 1 ]]; then
  if line=$("$shared/tools/peer-tools.sh" "$peers" trivy 2>/dev/null); then trivy=$(cut -f2 <<<"$line"); fi
  [[ -n $trivy ]] || log "Trivy not available; its column stays empty"
fi

# synthetic-1g: the bookworm base plus 16 files of 64 MiB random bytes in a second layer.
make_synthetic() {
  local key=synthetic-1g
  [[ -d $images/oci/$key ]] && return 0
  log "building $key (1 GiB of incompressible files on the Debian base)"
  local work=$tmp/synth
  mkdir -p "$work"
  cp -a "$images/oci/debian_bookworm-minbase" "$work/layout"
  umoci unpack --image "$work/layout:bookworm-minbase" "$work/bundle" >/dev/null
  mkdir -p "$work/bundle/rootfs/data"
  for i in $(seq 1 16); do head -c $((64 << 20)) /dev/urandom >"$work/bundle/rootfs/data/blob$i"; done
  umoci repack --image "$work/layout:$key" "$work/bundle" >/dev/null
  skopeo copy -q "oci:$work/layout:$key" "oci:$images/oci/$key:$key"
  skopeo copy -q "oci:$work/layout:$key" "docker-archive:$images/docker-archive/$key.tar:scantest/synthetic:1g"
  rm -rf "$work"
}

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# measure CMD...: runs it RUNS times; prints "<median seconds> <median peak KiB>" (wall time to
# the millisecond from the shell's clock; peak RSS from GNU time)
measure() {
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

layer_blobs() { # KEY: the layer blobs of the OCI layout, from its manifest
  local dir=$images/oci/$1 m
  m=$(jq -r '.manifests[0].digest' "$dir/index.json")
  jq -r '.layers[].digest' "$dir/blobs/sha256/${m#sha256:}" | sed "s|sha256:|$dir/blobs/sha256/|"
}

trivy_cold() { # a fresh cache each run (holding only Trivy's empty Java DB, as peer-tools.sh advises)
  rm -rf "$tmp/trivy-cache" && mkdir -p "$tmp/trivy-cache" && cp -a "$peers/cache/trivy/java-db" "$tmp/trivy-cache/"
  TRIVY_CACHE_DIR=$tmp/trivy-cache "$trivy" image --input "$1" --format cyclonedx --output /dev/null --quiet
}
export -f trivy_cold
export tmp peers trivy

keys=("$@")
if ((${#keys[@]} == 0)); then
  make_synthetic
  mapfile -t keys < <(tail -n +2 "$images/images.tsv" | cut -f1)
  keys+=(synthetic-1g)
fi

echo "| image | layers (MiB gz / tar) | packages | gzip -dc floor s | igzip floor s | hullscan oci s | ×gzip floor | ×igzip floor | sha256 floor s | hullscan docker-archive s | Trivy s | ×Trivy | peak RSS MiB (oci / archive) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for key in "${keys[@]}"; do
  log "$key"
  mapfile -t blobs < <(layer_blobs "$key")
  gz_mib=$(du -cb "${blobs[@]}" | tail -1 | awk '{printf "%.0f", $1/1048576}')
  tar_mib=$(stat -c %s "$images/docker-archive/$key.tar" | awk '{printf "%.0f", $1/1048576}')
  read -r t_gzip _ < <(measure sh -c 'for b in "$@"; do gzip -dc "$b"; done >/dev/null' sh "${blobs[@]}")
  t_igzip=""
  if command -v igzip >/dev/null; then
    read -r t_igzip _ < <(measure sh -c 'for b in "$@"; do igzip -dc "$b"; done >/dev/null' sh "${blobs[@]}")
  fi
  # The verification floor for the docker-archive: SHA-256 of its layer tars (openssl, SHA-NI),
  # the work no scanner that checks diff_ids can skip.
  mapfile -t tars < <(tar -tf "$images/docker-archive/$key.tar" | grep -E '^[0-9a-f]{64}\.tar$|^blobs/' || true)
  rm -rf "$tmp/layers" && mkdir -p "$tmp/layers" && tar -C "$tmp/layers" -xf "$images/docker-archive/$key.tar" "${tars[@]}"
  read -r t_sha _ < <(measure sh -c 'cd "$0" && openssl dgst -sha256 "$@"' "$tmp/layers" "${tars[@]}")
  rm -rf "$tmp/layers"
  read -r t_oci rss_oci < <(measure "$hullscan" sbom "oci:$images/oci/$key" --format cyclonedx)
  read -r t_arc rss_arc < <(measure "$hullscan" sbom "docker-archive:$images/docker-archive/$key.tar" --format cyclonedx)
  pkgs=$("$hullscan" sbom "oci:$images/oci/$key" --format json | jq '.packages | length')
  t_trivy="" x_trivy=""
  if [[ -n $trivy ]]; then
    read -r t_trivy _ < <(measure bash -c 'trivy_cold "$1"' _ "$images/docker-archive/$key.tar") || t_trivy=""
    [[ -n $t_trivy ]] && x_trivy=$(awk -v a="$t_arc" -v b="$t_trivy" 'BEGIN {printf "%.3f", a/b}')
  fi
  x_gzip=$(awk -v a="$t_oci" -v b="$t_gzip" 'BEGIN {printf "%.2f", a/b}')
  x_igzip=$([[ -n $t_igzip ]] && awk -v a="$t_oci" -v b="$t_igzip" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "-"}' || true)
  printf '| %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f / %.1f |\n' "$key" "$gz_mib" "$tar_mib" "$pkgs" \
    "$t_gzip" "$t_igzip" "$t_oci" "$x_gzip" "$x_igzip" "$t_sha" "$t_arc" "$t_trivy" "$x_trivy" \
    "$(awk -v k="$rss_oci" 'BEGIN {print k/1024}')" "$(awk -v k="$rss_arc" 'BEGIN {print k/1024}')"
done
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p'); runs per figure: $runs (medians); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
