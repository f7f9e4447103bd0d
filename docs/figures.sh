#!/usr/bin/env bash
# Remakes the control figures in docs/ from a network trained on the bundled MNIST (see the README's figures):
#   bash docs/figures.sh NETWORK [THREADS] [PREFIX]
# Every figure is conditional on the digit 3 (the network is conditional), seeds and options as below. PREFIX names
# the files of another network's set (sg1f- for the 2019 StyleGAN's figures).
set -euo pipefail
network=$1
threads=${2:-2}
prefix=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
stylegan() { dotnet run -c Release --project "$here/../src/StyleGan.Cli" --no-build -- "$@" --threads "$threads"; }

stylegan mix --network "$network" --class 3 --rows 1,2,3,4,5 --cols 11,12,13,14,15 --styles coarse --outdir "$work/coarse"
stylegan mix --network "$network" --class 3 --rows 1,2,3,4,5 --cols 11,12,13,14,15 --styles middle --outdir "$work/middle"
stylegan noise --network "$network" --class 3 --seeds 7 --samples 6 --draws 100 --outdir "$work/noise"
stylegan truncation --network "$network" --class 3 --seeds 1-6 --psi -1,-0.5,0,0.5,0.7,1,1.5 --outdir "$work/truncation"
stylegan interpolate --network "$network" --class 3 --seeds 1,2,3,4,5 --frames-per-seed 20 --loop --fps 20 --out "$work/interpolate.gif"
unzip -p "$here/../data/mnist32.zip" 00003/img00003200.png > "$work/three.png" # a real 3 of the bundled data
stylegan project --network "$network" --class 3 --target "$work/three.png" --steps 1000 --outdir "$work/project"
stylegan directions --network "$network" --class 3 --top 5 --seeds 1 --strength 4 --steps 7 --outdir "$work/directions"

cp "$work/coarse/grid.png" "$here/${prefix}mix-coarse.png"
cp "$work/middle/grid.png" "$here/${prefix}mix-middle.png"
cp "$work/noise/seed0007-samples.png" "$here/${prefix}noise-samples.png"
cp "$work/noise/seed0007-std.png" "$here/${prefix}noise-std.png"
cp "$work/noise/seed0007-layers.png" "$here/${prefix}noise-layers.png"
cp "$work/truncation/truncation.png" "$here/${prefix}truncation.png"
cp "$work/interpolate.gif" "$here/${prefix}interpolate.gif"
cp "$work/project/target.png" "$here/${prefix}project-target.png"
cp "$work/project/proj.png" "$here/${prefix}project-result.png"
cp "$work/directions/seed0001-directions.png" "$here/${prefix}directions.png"
rm -rf "$work"
