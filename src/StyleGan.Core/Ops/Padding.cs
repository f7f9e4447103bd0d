namespace StyleGan.Ops;

/// <summary>Padding of a 2D image as (x0, x1, y0, y1) = (left, right, top, bottom); negative values crop.</summary>
public readonly record struct Padding(int X0, int X1, int Y0, int Y1)
{
    public static Padding operator +(Padding a, Padding b) => new(a.X0 + b.X0, a.X1 + b.X1, a.Y0 + b.Y0, a.Y1 + b.Y1);
}
