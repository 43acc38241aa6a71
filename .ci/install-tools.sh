#!/usr/bin/env bash
# Installs the build tools a fresh machine lacks, from registries only (crates.io, npm).
# Idempotent: each tool is skipped when the right version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs rustc 1.96
BINARYEN_VERSION=132          # never Debian's binaryen 108: it silently breaks hydration
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

# The tools' own speed hardly matters (they run for seconds per build) but building them
# with the release profile's LTO costs most of a fresh machine's first run: build them
# lightly optimized, without LTO, in many codegen units.
LIGHT=(--config profile.release.lto=false --config profile.release.codegen-units=256
       --config profile.release.opt-level=1 --config profile.release.debug=false
       --config profile.release.strip=true)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos downloads wasm-bindgen and wasm-opt when they are not on PATH, which
# fails offline: install the exact versions it would fetch.
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  cargo install "${LIGHT[@]}" wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes on 2 cores, once)"
  cargo install "${LIGHT[@]}" cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-opt from npm's binaryen into .tools/ (no root needed); the Makefile puts it first on PATH.
if ! .tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
  npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi
