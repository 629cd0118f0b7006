#!/usr/bin/env bash
# Builds the release site: the server's executable and, in target/site, the browser's
# bundle, its script, the stylesheet and the icon, each file with content-hashed name where
# pages name it, and a brotli and a gzip copy beside every file.
#
# It does for this project what `cargo leptos build --release --precompress` does, with
# the tools `make` installs anyway (wasm-bindgen, binaryen's wasm-opt, brotli, gzip), so
# that a newcomer's first `make run` does not first spend 10 to 30 minutes compiling
# cargo-leptos. The server's executable and the bundle are byte for byte those cargo-leptos
# builds (the same cargo commands); only the script and the stylesheet are not minified
# (1.8 KB more with brotli in all). The two builds run one after the other, as cargo-leptos
# runs them: each uses both cores, so on 2 cores building them at once gained nothing (on one
# fresh machine, 454 s at once against 98 + 349 s one after the other).
# `cargo leptos watch` still works for development: see the README.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=breachcheck
SITE=target/site
PKG=$SITE/pkg
# The bundle is built in a target directory of its own, as cargo-leptos does: its
# features differ from the server's, and sharing one directory rebuilds both each time.
FRONT=target/front
HASH_FILE=target/release/hash.txt

# Where scripts/setup.sh puts the tools (wasm-bindgen, binaryen's wasm-opt), as the
# Makefile does.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*"; }
begin() { say "$*"; step_started=$SECONDS; }
took() { printf '    (%d s)\n' "$((SECONDS - step_started))"; }

# Leptos reads LEPTOS_OUTPUT_NAME when it compiles; the Makefile gives every cargo call the
# same value, and so does this, so nothing is rebuilt for want of it.
export LEPTOS_OUTPUT_NAME=$NAME

begin "building the browser's bundle (wasm, size-optimised)"
cargo build --package=app --lib --target-dir=$FRONT --target=wasm32-unknown-unknown \
  --no-default-features --features=hydrate --profile=wasm-release
took

begin "building the server (release)"
cargo build --package=server --bin=$NAME --no-default-features --release
took

begin "writing $SITE: the bundle's script (wasm-bindgen), the optimised bundle (wasm-opt), CSS, icon"
rm -rf "$SITE"
mkdir -p "$PKG"
# It warns that the bundle has no `target_features` section: the bundle's profile strips
# symbols (as it did under cargo-leptos), and wasm-opt below is told the features instead.
wasm-bindgen --target=web --out-name=$NAME --out-dir="$PKG" --no-typescript \
  "$FRONT/wasm32-unknown-unknown/wasm-release/app.wasm"
# Leptos's hydration script asks for `<name>.wasm`, not wasm-bindgen's `<name>_bg.wasm`.
mv "$PKG/${NAME}_bg.wasm" "$PKG/$NAME.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$PKG/$NAME.wasm" -o "$PKG/$NAME.wasm"
cp style/main.css "$PKG/$NAME.css"
cp -r public/. "$SITE/"
took

# A file's hash as cargo-leptos writes it (and Leptos expects nothing else of it): the
# MD5 of its content, in URL-safe base64 without padding.
content_hash() {
  python3 -c 'import base64, hashlib, sys
digest = hashlib.md5(open(sys.argv[1], "rb").read()).digest()
print(base64.urlsafe_b64encode(digest).decode().rstrip("="))' "$1"
}
begin "naming the bundle, its script and the stylesheet after their content ($HASH_FILE)"
wasm_hash=$(content_hash "$PKG/$NAME.wasm")
mv "$PKG/$NAME.wasm" "$PKG/$NAME.$wasm_hash.wasm"
# The script's own default path to the bundle (Leptos passes the path itself, but the
# script must not name a file that is not there).
sed -i "s/${NAME}_bg\.wasm/$NAME.$wasm_hash.wasm/g" "$PKG/$NAME.js"
js_hash=$(content_hash "$PKG/$NAME.js")
mv "$PKG/$NAME.js" "$PKG/$NAME.$js_hash.js"
css_hash=$(content_hash "$PKG/$NAME.css")
mv "$PKG/$NAME.css" "$PKG/$NAME.$css_hash.css"
# The server reads this beside its executable to name the files in its pages.
printf 'js: %s\nwasm: %s\ncss: %s\n' "$js_hash" "$wasm_hash" "$css_hash" > "$HASH_FILE"
took

begin "compressing every file of the site ahead of time (brotli and gzip copies beside it)"
find "$SITE" -type f ! -name '*.br' ! -name '*.gz' -print0 |
  while IFS= read -r -d '' file; do
    gzip -9 --keep --force --no-name "$file"
    brotli --quality=11 --keep --force "$file"
  done
took
