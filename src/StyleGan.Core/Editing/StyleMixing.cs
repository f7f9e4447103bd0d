using StyleGan.Generation;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>The images of a style-mixing figure: the sources, and each cell of row seed x column seed.</summary>
/// <param name="RowSeeds">The seeds down the left.</param>
/// <param name="ColumnSeeds">The seeds along the top.</param>
/// <param name="Sources">Images of the row seeds, then the column seeds [R + K, C, H, W].</param>
/// <param name="Cells">Row-major: cell (r, k) is row r's ws with the mixed layers from column k [R * K, C, H, W].</param>
public sealed record StyleMixingFigure(IReadOnlyList<uint> RowSeeds, IReadOnlyList<uint> ColumnSeeds, Tensor Sources, Tensor Cells)
{
    /// <summary>The image of a row seed (r) or column seed (R + k).</summary>
    public Tensor Source(int index) => Sources.narrow(0, index, 1);

    /// <summary>The cell of row <paramref name="row"/> and column <paramref name="column"/>.</summary>
    public Tensor Cell(int row, int column) => Cells.narrow(0, row * ColumnSeeds.Count + column, 1);

    /// <summary>
    /// The grid of NVIDIA's style_mixing.py: (K + 1) x (R + 1) cells, the top-left one black, the column sources on
    /// top, the row sources on the left, [(R + 1) * (K + 1), C, H, W] in row-major order for <see cref="Images.ImageGrid"/>.
    /// </summary>
    public Tensor Grid()
    {
        int rows = RowSeeds.Count, columns = ColumnSeeds.Count;
        var cells = new List<Tensor> { full_like(Source(0), -1) };
        for (int k = 0; k < columns; k++) cells.Add(Source(rows + k));
        for (int r = 0; r < rows; r++)
        {
            cells.Add(Source(r));
            for (int k = 0; k < columns; k++) cells.Add(Cell(r, k));
        }
        return cat(cells, 0);
    }
}

/// <summary>Style mixing as in NVIDIA's style_mixing.py: each cell takes the listed layers' ws from the column seed.</summary>
public static class StyleMixing
{
    /// <param name="sampler">The generator to sample.</param>
    /// <param name="rowSeeds">Seeds whose ws keep every layer not listed.</param>
    /// <param name="columnSeeds">Seeds whose ws replace the listed layers.</param>
    /// <param name="layers">The ws indices taken from the column seed (see <see cref="LayerRange"/>).</param>
    /// <param name="classIndex">The class of a conditional network.</param>
    /// <param name="truncation">Applied to w before mixing, as there.</param>
    /// <param name="noise">The per-pixel noise.</param>
    public static StyleMixingFigure Run(Sampler sampler, IReadOnlyList<uint> rowSeeds, IReadOnlyList<uint> columnSeeds, IReadOnlyList<int> layers,
        int? classIndex = null, Truncation? truncation = null, NoiseSettings? noise = null)
    {
        if (rowSeeds.Count == 0 || columnSeeds.Count == 0) throw new InvalidValueException("Seeds", "style mixing needs at least one row seed and one column seed.");
        if (layers.Count == 0) throw new InvalidValueException("Styles", "no layers to mix; name at least one.");
        using var scope = NewDisposeScope();
        var ws = sampler.MapSeeds(rowSeeds.Concat(columnSeeds).ToList(), classIndex, truncation);
        var rowWs = ws.narrow(0, 0, rowSeeds.Count);
        var columnWs = ws.narrow(0, rowSeeds.Count, columnSeeds.Count);
        // Every (row, column) pair: rows repeat per column, columns tile per row.
        var target = rowWs.repeat_interleave(columnSeeds.Count, 0);
        var source = columnWs.repeat(rowSeeds.Count, 1, 1);
        var sources = sampler.Synthesize(ws, noise);
        var cells = sampler.Synthesize(WSpace.Mix(target, source, layers), noise);
        return new StyleMixingFigure(rowSeeds, columnSeeds, sources.MoveToOuterDisposeScope(), cells.MoveToOuterDisposeScope());
    }
}
