#!/usr/bin/env bash
# CPU WebGPU for CI and machines without a GPU: Dawn on SwiftShader, Chromium's software Vulkan driver.
#   bash scripts/webgpu-cpu.sh            # installs what is missing, prints the line below
#   eval "$(bash scripts/webgpu-cpu.sh)"  # export VK_ICD_FILENAMES=<repo>/.cache/swiftshader/vk_swiftshader_icd.json
# Installs libvulkan1 (the Vulkan loader) if it is missing, takes libvk_swiftshader.so and its ICD json out of
# Debian's chromium-common package (apt-get download + dpkg -x, nothing else of Chromium is installed) into the
# git-ignored .cache/swiftshader/. Idempotent: a second run only checks and prints. The WebGPU backend and its
# tests find .cache/swiftshader on their own when Dawn sees no GPU adapter.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/.cache/swiftshader"
icd="$dest/vk_swiftshader_icd.json"
log() { echo "webgpu-cpu: $*" >&2; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
have_loader() { ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 ' || [[ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ]]; }
apt_updated=0
apt_update_once() { if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq >&2 || true; apt_updated=1; fi; }

if ! have_loader; then
  log "installing libvulkan1 (the Vulkan loader)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1 >&2 \
    || { apt_update_once; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1 >&2; }
fi

if [[ ! -s "$icd" || ! -s "$dest/libvk_swiftshader.so" ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  log "fetching SwiftShader from chromium-common into ${dest#$root/}"
  (cd "$tmp" && { apt-get download chromium-common >/dev/null 2>&1 || { apt_update_once; apt-get download chromium-common >&2; }; })
  dpkg -x "$tmp"/chromium-common_*.deb "$tmp/x"
  mkdir -p "$dest"
  cp "$tmp/x/usr/lib/chromium/libvk_swiftshader.so" "$dest/"
  # the json names the library relative to itself ("./libvk_swiftshader.so"): keep them side by side
  cp "$tmp/x/usr/lib/chromium/vk_swiftshader_icd.json" "$icd.tmp" && mv "$icd.tmp" "$icd"
  dpkg-deb -f "$tmp"/chromium-common_*.deb Version > "$dest/VERSION"
fi
log "SwiftShader $(cat "$dest/VERSION" 2>/dev/null || echo '?') ready"
echo "export VK_ICD_FILENAMES=$icd"
