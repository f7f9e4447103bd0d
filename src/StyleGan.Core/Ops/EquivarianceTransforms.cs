using TorchSharp;
using static TorchSharp.torch;
using Padding = StyleGan.Ops.Padding;

namespace StyleGan.Ops;

/// <summary>
/// The reference transforms of StyleGAN3's equivariance metrics (metrics/equivariance.py) and of its visualizer's
/// untransform (viz/renderer.py), as pure functions of an image batch: each returns the transformed images and a mask of
/// the pixels it can vouch for. Computed in float32, as NVIDIA's, so that the scores agree in their last digits.
/// </summary>
public static class EquivarianceTransforms
{
    /// <summary>sin(pi x) / (pi x), 1 at 0.</summary>
    public static Tensor Sinc(Tensor x)
    {
        var y = (x * Math.PI).abs();
        var z = y.sin() / y.clamp(1e-30, double.PositiveInfinity);
        return where(y < 1e-30, ones_like(x), z);
    }

    /// <summary>The Lanczos window of radius <paramref name="a"/>: sinc(x / a) inside it, 0 outside.</summary>
    public static Tensor LanczosWindow(Tensor x, int a)
    {
        x = x.abs() / a;
        return where(x < 1, Sinc(x), zeros_like(x));
    }

    /// <summary>NVIDIA's rotation_matrix: [[cos, sin, 0], [-sin, cos, 0], [0, 0, 1]] in float32.</summary>
    /// <param name="angle">Radians, a float32 scalar.</param>
    public static Tensor RotationMatrix(Tensor angle)
    {
        var mat = eye(3, dtype: float32);
        mat[0, 0] = angle.cos();
        mat[0, 1] = angle.sin();
        mat[1, 0] = -angle.sin();
        mat[1, 1] = angle.cos();
        return mat;
    }

    /// <summary>The images moved by a whole number of pixels (the translation rounded), zeros where nothing moved in.</summary>
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="tx">Translation along x in image widths (float32 scalar).</param>
    /// <param name="ty">Translation along y in image heights.</param>
    public static (Tensor Image, Tensor Mask) IntegerTranslation(Tensor x, Tensor tx, Tensor ty)
    {
        long h = x.shape[2], w = x.shape[3];
        long ix = (tx * w).round().to(int64).item<long>(), iy = (ty * h).round().to(int64).item<long>();
        var z = zeros_like(x);
        var m = zeros_like(x);
        if (Math.Abs(ix) < w && Math.Abs(iy) < h)
        {
            var y = Crop(x, Math.Max(-iy, 0), h + Math.Min(-iy, 0), Math.Max(-ix, 0), w + Math.Min(-ix, 0));
            Crop(z, Math.Max(iy, 0), h + Math.Min(iy, 0), Math.Max(ix, 0), w + Math.Min(ix, 0)).copy_(y);
            Crop(m, Math.Max(iy, 0), h + Math.Min(iy, 0), Math.Max(ix, 0), w + Math.Min(ix, 0)).fill_(1);
        }
        return (z, m);
    }

    /// <summary>The images moved by a fraction of a pixel too, with a separable Lanczos filter of radius <paramref name="a"/>.</summary>
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="tx">Translation along x in image widths (float32 scalar).</param>
    /// <param name="ty">Translation along y in image heights.</param>
    /// <param name="a">The Lanczos radius (NVIDIA's 3).</param>
    public static (Tensor Image, Tensor Mask) FractionalTranslation(Tensor x, Tensor tx, Tensor ty, int a = 3)
    {
        long h = x.shape[2], w = x.shape[3];
        var txPixels = (tx * w).to(float32);
        var tyPixels = (ty * h).to(float32);
        long ix = txPixels.floor().to(int64).item<long>(), iy = tyPixels.floor().to(int64).item<long>();
        var fx = txPixels - ix;
        var fy = tyPixels - iy;
        int b = a - 1;

        var z = zeros_like(x);
        long zx0 = Math.Max(ix - b, 0), zy0 = Math.Max(iy - b, 0), zx1 = Math.Min(ix + a, 0) + w, zy1 = Math.Min(iy + a, 0) + h;
        if (zx0 < zx1 && zy0 < zy1)
        {
            var taps = arange(a * 2, dtype: int64, device: x.device) - b;
            var filterX = (Sinc(taps - fx) * Sinc((taps - fx) / a)).unsqueeze(0);
            var filterY = (Sinc(taps - fy) * Sinc((taps - fy) / a)).unsqueeze(1);
            var y = Upfirdn2d.Filter2d(x, filterX / filterX.sum(), new Padding(b, a, 0, 0));
            y = Upfirdn2d.Filter2d(y, filterY / filterY.sum(), new Padding(0, 0, b, a));
            y = Crop(y, Math.Max(b - iy, 0), h + b + a + Math.Min(-iy - a, 0), Math.Max(b - ix, 0), w + b + a + Math.Min(-ix - a, 0));
            Crop(z, zy0, zy1, zx0, zx1).copy_(y);
        }

        var m = zeros_like(x);
        long mx0 = Math.Max(ix + a, 0), my0 = Math.Max(iy + a, 0), mx1 = Math.Min(ix - b, 0) + w, my1 = Math.Min(iy - b, 0) + h;
        if (mx0 < mx1 && my0 < my1) Crop(m, my0, my1, mx0, mx1).fill_(1);
        return (z, m);
    }

    /// <summary>
    /// NVIDIA's construct_affine_bandlimit_filter: the band-limited resampling filter of an affine map, two oriented
    /// sincs and two oriented Lanczos windows convolved (by FFT), windowed, cut to <paramref name="amax"/> and
    /// normalized per phase of the <paramref name="up"/>-times finer grid.
    /// </summary>
    /// <param name="mat">The map [3, 3] (its 2x2 part is used).</param>
    /// <param name="a">Lanczos radius.</param>
    /// <param name="amax">Radius the filter is cut to.</param>
    /// <param name="aflt">Radius the filter is designed at.</param>
    /// <param name="up">Phases per pixel.</param>
    public static Tensor AffineBandlimitFilter(Tensor mat, int a = 3, int amax = 16, int aflt = 64, int up = 4)
    {
        if (!(a <= amax && amax < aflt)) throw new ArgumentException($"Need a <= amax < aflt, got {a}, {amax}, {aflt}.");
        mat = mat.to(float32);
        var taps = ((arange(aflt * up * 2 - 1, dtype: int64) + 1) / (double)up - aflt).to(float32).roll(1 - aflt * up);
        var grids = meshgrid([taps, taps], indexing: "ij");
        Tensor yi = grids[0], xi = grids[1];
        var outputs = matmul(stack([xi, yi], 2), mat.narrow(0, 0, 2).narrow(1, 0, 2).t()).unbind(2);
        Tensor xo = outputs[0], yo = outputs[1];

        var f = Convolve(Sinc(xi) * Sinc(yi), Sinc(xo) * Sinc(yo));
        var window = Convolve(LanczosWindow(xi, a) * LanczosWindow(yi, a), LanczosWindow(xo, a) * LanczosWindow(yo, a));
        f = f * window;

        int c = (aflt - amax) * up;
        f = f.roll([aflt * up - 1, aflt * up - 1], [0, 1]);
        f = f.narrow(0, c, f.shape[0] - 2 * c).narrow(1, c, f.shape[1] - 2 * c);
        f = nn.functional.pad(f, [0, 1, 0, 1]).reshape(amax * 2, up, amax * 2, up);
        f = f / f.sum([0, 2], keepdim: true) / (up * up);
        f = f.reshape(amax * 2 * up, amax * 2 * up);
        return f.narrow(0, 0, f.shape[0] - 1).narrow(1, 0, f.shape[1] - 1);
    }

    static Tensor Convolve(Tensor p, Tensor q) => fft.ifftn(fft.fftn(p) * fft.fftn(q)).real;

    /// <summary>The images under an affine map: up-sampled with its band-limited filter, then sampled bilinearly on its grid.</summary>
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="mat">The map [3, 3].</param>
    /// <param name="a">Lanczos radius.</param>
    /// <param name="amax">Radius the filter is cut to.</param>
    /// <param name="up">Up-sampling before the bilinear sampling.</param>
    public static (Tensor Image, Tensor Mask) AffineTransformation(Tensor x, Tensor mat, int a, int amax, int up = 4)
    {
        long h = x.shape[2], w = x.shape[3];
        mat = mat.to(float32).to(x.device);
        var f = AffineBandlimitFilter(mat, a, amax, up: up).to(x.device);
        int p = (int)f.shape[0] / 2;

        var theta = linalg.inv(mat);
        theta[TensorIndex.Slice(0, 2), 2] *= 2;
        theta[0, 2] += 1.0 / up / w;
        theta[1, 2] += 1.0 / up / h;
        theta[0, TensorIndex.Colon] *= (double)w / (w + p / (double)up * 2);
        theta[1, TensorIndex.Colon] *= (double)h / (h + p / (double)up * 2);
        theta = theta.narrow(0, 0, 2).unsqueeze(0).repeat(x.shape[0], 1, 1);
        var grid = nn.functional.affine_grid(theta, x.shape, align_corners: false);

        var y = Upfirdn2d.Upsample2d(x, f, up, new Padding(p, p, p, p));
        var z = nn.functional.grid_sample(y, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);

        var m = zeros_like(y);
        int c = p * 2 + 1;
        Crop(m, c, m.shape[2] - c, c, m.shape[3] - c).fill_(1);
        m = nn.functional.grid_sample(m, grid, GridSampleMode.Nearest, GridSamplePaddingMode.Zeros, align_corners: false);
        return (z, m);
    }

    /// <summary>The images rotated by <paramref name="angle"/> (radians, float32 scalar), as NVIDIA's apply_fractional_rotation.</summary>
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="angle">Radians.</param>
    /// <param name="a">Lanczos radius.</param>
    public static (Tensor Image, Tensor Mask) FractionalRotation(Tensor x, Tensor angle, int a = 3) =>
        AffineTransformation(x, RotationMatrix(angle.to(float32)), a, a * 2);

    /// <summary>
    /// NVIDIA's apply_fractional_pseudo_rotation: the images filtered, not moved, with the band limit a rotation by
    /// <paramref name="angle"/> imposes, so that a generated rotation compares with the reference on equal terms.
    /// </summary>
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="angle">Radians.</param>
    /// <param name="a">Lanczos radius.</param>
    public static (Tensor Image, Tensor Mask) FractionalPseudoRotation(Tensor x, Tensor angle, int a = 3)
    {
        var f = AffineBandlimitFilter(RotationMatrix(-angle.to(float32)), a, a * 2, up: 1).to(x.device);
        var y = Upfirdn2d.Filter2d(x, f);
        var m = zeros_like(y);
        int c = (int)f.shape[0] / 2;
        Crop(m, c, m.shape[2] - c, c, m.shape[3] - c).fill_(1);
        return (y, m);
    }

    // x[:, :, y0:y1, x0:x1] as a view (empty when y1 <= y0 or x1 <= x0).
    static Tensor Crop(Tensor x, long y0, long y1, long x0, long x1) =>
        x.narrow(2, y0, Math.Max(y1 - y0, 0)).narrow(3, x0, Math.Max(x1 - x0, 0));
}
