#!/usr/bin/env bash
# Remakes the screenshots of `stylegan serve` in docs/ (see the README's `stylegan serve`) in headless Chromium
# (Debian's chromium: apt-get install chromium), from a network trained on the bundled MNIST and its run folder:
#   bash docs/serve-screenshots.sh NETWORK RUN_FOLDER [PORT]
# Every page is conditional on the digit 3 (the network is conditional); the states are in the addresses below.
set -euo pipefail
network=$1
run=$2
port=${3:-7861}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
# The built tool itself (dotnet run would not pass Ctrl-C on to it); build it first with dotnet build -c Release.
dotnet "$here/../src/StyleGan.Cli/bin/Release/net10.0/stylegan.dll" serve --network "$network" --run "$run" --port "$port" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 120); do grep -q "^Open http" "$work/serve.log" && break; sleep 0.5; done
grep -q "^Open http" "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
url="http://127.0.0.1:$port"

shot() { # FILE HEIGHT HASH
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$work/profile" --window-size=1500,"$2" --virtual-time-budget=10000 \
    --screenshot="$1" "$url/#$3" 2>/dev/null
}
shot "$here/serve-explore.png" 1000 "x=3.25&y=0.5&class=3&psi=0.7&mix=14&styles=0,1,2,3&dirs=0,2.5"
shot "$here/serve-layers.png" 1000 "x=3&y=0&class=3&psi=0.7&layer=b16.conv1&channel=5&normalize=true"
shot "$here/serve-monitor.png" 1000 "x=3&y=0&class=3&view=monitor"
