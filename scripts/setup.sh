#!/usr/bin/env bash
# Installs what building and testing breachcheck needs, skipping whatever is already there.
# Usage: scripts/setup.sh [--browser] [--bench]
#   --browser adds what `make test` needs beyond the build: Chromium for the browser tests
#   and nginx, the proxy of the replica test (and of `make cluster`); --bench adds wrk and
#   nginx, the load tool and the outside anchor `make bench` measures against.
# Each pinned version says why beside it. Every step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }
# Times each install: `begin "what"` ... `took`.
begin() { say "$*"; step_started=$SECONDS; }
took() { printf '    (%d s)\n' "$((SECONDS - step_started))"; }
with_browser=false
with_bench=false
for flag in "$@"; do
  case "$flag" in
    --browser) with_browser=true ;;
    --bench) with_bench=true ;;
    *) echo "unknown option: $flag" >&2; exit 2 ;;
  esac
done
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
apt_updated=false
apt_install() {
  if ! $apt_updated; then
    $sudo_cmd apt-get update
    apt_updated=true
  fi
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}
export PATH="$HOME/.cargo/bin:$PATH"

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: present"
else
  begin "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
  took
fi

# cargo-leptos is not needed to build or test (scripts/build-site.sh does its release
# build); it is worth installing only for `cargo leptos watch` (see the README).
if command -v brotli >/dev/null; then
  say "brotli: present"
else
  begin "installing Debian's brotli (the site's files are compressed ahead of time)"
  apt_install brotli
  took
fi

# The CLI must be exactly the wasm-bindgen version the lock file resolved.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if wasm-bindgen --version 2>/dev/null | grep -q " ${bindgen_version}\b"; then
  say "wasm-bindgen CLI ${bindgen_version}: present"
else
  # Without --locked: with it, 0.2.130 fails to resolve webpki-roots.
  # Only the `wasm-bindgen` binary, without the TLS stack its test runner downloads with
  # (default features), and optimised at level 1: it runs for seconds on one file per
  # build, and a fully optimised build of it was most of a newcomer's wait for it.
  begin "installing wasm-bindgen CLI ${bindgen_version} (1 to 4 minutes)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install wasm-bindgen-cli --version "${bindgen_version}" \
    --no-default-features --bin wasm-bindgen
  took
fi

# npm packages: Playwright, and binaryen's wasm-opt (Debian's breaks hydration).
if [ -x end2end/node_modules/.bin/wasm-opt ] && [ -d end2end/node_modules/@playwright/test ] \
   && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]; then
  say "npm packages in end2end/: present"
else
  begin "installing npm packages in end2end/ (Playwright, binaryen's wasm-opt)"
  (cd end2end && npm ci --no-fund --no-audit)
  took
fi

if $with_browser; then
  if [ -x /usr/bin/chromium ]; then
    say "Chromium: present"
  else
    # Playwright cannot download its own browser here; Debian's Chromium is used instead.
    begin "installing Debian's Chromium"
    apt_install chromium
    took
  fi
  if [ -x /usr/sbin/nginx ]; then
    say "nginx: present"
  else
    begin "installing Debian's nginx (the proxy in front of the replica test's two servers)"
    apt_install nginx
    took
  fi
fi
if $with_bench; then
  if command -v wrk >/dev/null && [ -x /usr/sbin/nginx ]; then
    say "wrk and nginx: present"
  else
    begin "installing Debian's wrk and nginx (the benchmark's load tool and its outside anchor)"
    apt_install wrk nginx
    took
  fi
fi
say "toolchain ready"
