using System.Text.Json;
using StyleGan.Metrics;

namespace StyleGan.Tests.Metrics;

public sealed class MetricLogTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("metric-log").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ALineHasNvidiasFieldsAndWhatTheNumberNeedsBesideIt()
    {
        var metric = StandardMetrics.Parse("pr50k3_full")[0];
        var report = new MetricReport(metric, new Dictionary<string, double> { ["pr50k3_full_precision"] = 0.5, ["pr50k3_full_recall"] = 0.25 },
            "VGG16, weights sha256 0123", 50000, 70000, 3725);
        var line = JsonDocument.Parse(MetricLog.Line(report, "network-snapshot-000200.safetensors", 200)).RootElement;
        Assert.Equal(0.5, line.GetProperty("results").GetProperty("pr50k3_full_precision").GetDouble());
        Assert.Equal(0.25, line.GetProperty("results").GetProperty("pr50k3_full_recall").GetDouble());
        Assert.Equal("pr50k3_full", line.GetProperty("metric").GetString());
        Assert.Equal(3725, line.GetProperty("total_time").GetDouble());
        Assert.Equal("1h 02m 05s", line.GetProperty("total_time_str").GetString());
        Assert.Equal("network-snapshot-000200.safetensors", line.GetProperty("snapshot_pkl").GetString());
        Assert.Equal(1, line.GetProperty("num_gpus").GetInt32());
        Assert.True(line.GetProperty("timestamp").GetDouble() > 1.7e9);
        Assert.Equal(50000, line.GetProperty("num_gen").GetInt32());
        Assert.Equal(70000, line.GetProperty("num_real").GetInt32());
        Assert.Equal("VGG16, weights sha256 0123", line.GetProperty("features").GetString());
    }

    [Theory]
    [InlineData(42, "42s")]
    [InlineData(185, "3m 05s")]
    [InlineData(7629, "2h 07m 09s")]
    [InlineData(98000, "1d 03h 13m")]
    public void TimesAreFormattedAsDnnlibFormatsThem(double seconds, string expected) => Assert.Equal(expected, MetricLog.FormatTime(seconds));

    [Fact]
    public void AppendingKeepsWhatIsThere()
    {
        var file = Path.Combine(folder, "sub", "metric-fid50k_full.jsonl");
        MetricLog.Append(file, ["{\"a\": 1}"]);
        MetricLog.Append(file, ["{\"b\": 2}", "{\"c\": 3}"]);
        Assert.Equal(["{\"a\": 1}", "{\"b\": 2}", "{\"c\": 3}"], File.ReadAllLines(file));
        Assert.Equal(Path.Combine(folder, "metric-kid50k_full.jsonl"), MetricLog.RunFile(folder, "kid50k_full"));
    }
}
