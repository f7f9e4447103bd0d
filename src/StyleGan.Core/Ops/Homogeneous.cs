using static TorchSharp.torch;

namespace StyleGan.Ops;

/// <summary>
/// Homogeneous 2D (3x3) and 3D (4x4) transformation matrices, as augment.py builds them: one matrix per element of
/// the parameter tensors ([..., n, n] for parameters of shape [...]), or a single matrix from plain numbers.
/// </summary>
public static class Homogeneous
{
    public static Tensor Translate2d(Tensor tx, Tensor ty)
    {
        var (o, z) = (ones_like(tx), zeros_like(tx));
        return Matrix(3, o, z, tx, z, o, ty, z, z, o);
    }

    public static Tensor Scale2d(Tensor sx, Tensor sy)
    {
        var (o, z) = (ones_like(sx), zeros_like(sx));
        return Matrix(3, sx, z, z, z, sy, z, z, z, o);
    }

    /// <summary>Rotation by theta radians.</summary>
    public static Tensor Rotate2d(Tensor theta)
    {
        var (o, z, c, s) = (ones_like(theta), zeros_like(theta), cos(theta), sin(theta));
        return Matrix(3, c, sin(-theta), z, s, c, z, z, z, o);
    }

    public static Tensor Translate3d(Tensor tx, Tensor ty, Tensor tz)
    {
        var (o, z) = (ones_like(tx), zeros_like(tx));
        return Matrix(4, o, z, z, tx, z, o, z, ty, z, z, o, tz, z, z, z, o);
    }

    public static Tensor Scale3d(Tensor sx, Tensor sy, Tensor sz)
    {
        var (o, z) = (ones_like(sx), zeros_like(sx));
        return Matrix(4, sx, z, z, z, z, sy, z, z, z, z, sz, z, z, z, z, o);
    }

    /// <summary>Rotation by theta radians about the unit axis v (a 3- or 4-vector; its first three entries).</summary>
    public static Tensor Rotate3d(Tensor v, Tensor theta)
    {
        var (vx, vy, vz) = (v[0], v[1], v[2]);
        var (s, c) = (sin(theta), cos(theta));
        var cc = 1 - c;
        var (o, z) = (ones_like(theta), zeros_like(theta));
        return Matrix(4,
            vx * vx * cc + c, vx * vy * cc - vz * s, vx * vz * cc + vy * s, z,
            vy * vx * cc + vz * s, vy * vy * cc + c, vy * vz * cc - vx * s, z,
            vz * vx * cc - vy * s, vz * vy * cc + vx * s, vz * vz * cc + c, z,
            z, z, z, o);
    }

    public static Tensor Translate2dInverse(Tensor tx, Tensor ty) => Translate2d(-tx, -ty);

    public static Tensor Scale2dInverse(Tensor sx, Tensor sy) => Scale2d(1 / sx, 1 / sy);

    public static Tensor Rotate2dInverse(Tensor theta) => Rotate2d(-theta);

    /// <summary>A single translation by plain numbers (float32, on <paramref name="device"/>).</summary>
    public static Tensor Translate2d(double tx, double ty, Device device) => Translate2d(Scalar(tx, device), Scalar(ty, device));

    /// <summary>A single scaling by plain numbers.</summary>
    public static Tensor Scale2d(double sx, double sy, Device device) => Scale2d(Scalar(sx, device), Scalar(sy, device));

    static Tensor Scalar(double value, Device device) => tensor((float)value, device: device);

    // Row-major n x n matrices from n^2 entries of equal shape.
    static Tensor Matrix(int n, params Tensor[] entries) =>
        stack(entries, -1).reshape([.. entries[0].shape, n, n]);
}
