using System.CommandLine;
using StyleGan.Editing;
using StyleGan.Generation;
using StyleGan.Images;
using StyleGan.Random;

namespace StyleGan.Cli.Commands;

/// <summary><c>stylegan mix</c>: the style-mixing grid of NVIDIA's style_mixing.py.</summary>
public static class MixCommand
{
    public static Command Create()
    {
        var options = new SamplingOptions();
        var rows = new Option<string>("--rows") { Description = "Row seeds (their ws keep every layer not mixed), e.g. 85,100,75", Required = true }.Sets("Rows");
        var cols = new Option<string>("--cols") { Description = "Column seeds (the mixed layers come from them), e.g. 55,821,1789", Required = true }.Sets("Cols");
        var styles = new Option<string>("--styles") { Description = "ws taken from the column seed: indices (0-6, 0,2,4) or coarse (ws 0-3), middle (4-7), fine (8 up)", DefaultValueFactory = _ => "0-6" }.Sets("Styles");
        var command = options.Command("mix", "Style mixing: a grid of row seeds with the listed layers from column seeds (style_mixing.py).", rows, cols, styles);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var rowSeeds = SeedList.Parse(parse.GetValue(rows)!, "Rows").ToList();
            var columnSeeds = SeedList.Parse(parse.GetValue(cols)!, "Cols").ToList();
            if ((long)rowSeeds.Count * columnSeeds.Count > 10_000)
                throw new UsageException($"{rowSeeds.Count} rows by {columnSeeds.Count} columns is more than 10,000 cells; give fewer seeds.");
            var rule = options.Rule(parse);
            string folder = options.Folder(parse);
            var files = new List<string> { Path.Combine(folder, "grid.png") };
            files.AddRange(rowSeeds.Concat(columnSeeds).Distinct().Select(s => Path.Combine(folder, $"{s}-{s}.png")));
            files.AddRange(rowSeeds.SelectMany(r => columnSeeds.Select(c => Path.Combine(folder, $"{r}-{c}.png"))));
            foreach (var file in files.Distinct()) rule.File(file);

            var (networks, sampler) = options.Open(parse);
            using var _ = networks;
            long side = sampler.Generator.Config.ImgResolution;
            if ((rowSeeds.Count + 1L) * (columnSeeds.Count + 1L) * side * side > ImageFile.MaxPixels)
                throw new UsageException($"a grid of {rowSeeds.Count + 1}x{columnSeeds.Count + 1} cells at {side}x{side} is larger than the {ImageFile.MaxPixels:N0} pixels an image may have; give fewer seeds.");
            var layers = LayerRange.Parse(parse.GetValue(styles)!, sampler.NumWs);
            var figure = StyleMixing.Run(sampler, rowSeeds, columnSeeds, layers, parse.GetValue(options.Class), options.Truncation(parse), options.Noise(parse));
            ImageGrid.Save(Path.Combine(folder, "grid.png"), figure.Grid(), columns: columnSeeds.Count + 1);
            for (int i = 0; i < rowSeeds.Count + columnSeeds.Count; i++)
            {
                uint seed = i < rowSeeds.Count ? rowSeeds[i] : columnSeeds[i - rowSeeds.Count];
                ImageGrid.Save(Path.Combine(folder, $"{seed}-{seed}.png"), figure.Source(i));
            }
            for (int r = 0; r < rowSeeds.Count; r++)
                for (int c = 0; c < columnSeeds.Count; c++)
                    ImageGrid.Save(Path.Combine(folder, $"{rowSeeds[r]}-{columnSeeds[c]}.png"), figure.Cell(r, c));
            Console.WriteLine($"Wrote {Path.Combine(folder, "grid.png")}: {rowSeeds.Count} rows x {columnSeeds.Count} columns, ws {string.Join(",", layers)} from the columns.");
            return 0;
        }));
        return command;
    }
}
