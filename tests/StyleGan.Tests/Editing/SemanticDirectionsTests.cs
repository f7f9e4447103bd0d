using StyleGan.Editing;
using static TorchSharp.torch;

namespace StyleGan.Tests.Editing;

public sealed class SemanticDirectionsTests
{
    [Fact]
    public void DirectionsAreOrthonormalEigenvectorsOfTheStackedNormalizedStyleWeights()
    {
        var sampler = TinyGenerator.Sampler();
        int[] layers = [0, 1, 2];
        var set = SemanticDirections.Find(sampler, layers, top: 5);
        var d = set.Directions.to(float64);
        Close.Assert(eye(5, dtype: float64), d.matmul(d.t()), "orthonormal", 1e-6);

        // The stated matrix, built here from the layers' affine weights as SeFa does.
        var rows = sampler.Generator.Synthesis.Layers().Where(l => layers.Contains(l.WIndex)).Select(l => l.Layer.ScaleStyleWeight!.detach().to(float64)).ToList();
        var a = cat(rows, 0);
        a = a / a.norm(1, keepdim: true);
        var matrix = a.t().matmul(a);
        var values = set.Eigenvalues.to(float64);
        Close.Assert(d * values.unsqueeze(1), d.matmul(matrix), "A^T A v = lambda v", 1e-4);
        Assert.True((values.narrow(0, 0, 4) >= values.narrow(0, 1, 4)).all().item<bool>(), "descending");
        // The top eigenvalue is the largest value of v^T M v over unit vectors: no random direction beats it.
        var random = randn(100, 16, dtype: float64);
        random = random / random.norm(1, keepdim: true);
        Assert.True(((random.matmul(matrix) * random).sum(1) <= values[0] + 1e-9).all().item<bool>());
    }

    [Fact]
    public void ApplyingADirectionMovesOnlyItsLayersAndTheFileRoundTrips()
    {
        var sampler = TinyGenerator.Sampler();
        var set = SemanticDirections.Find(sampler, [1, 2], top: 3);
        var ws = sampler.MapSeeds([4, 5]);
        var moved = set.Apply(ws, 1, 2.5);
        Close.Assert(ws.narrow(1, 0, 1), moved.narrow(1, 0, 1), "layer 0 untouched", 0);
        Close.Assert(ws[.., 1] + set.Directions[1] * 2.5, moved[.., 1], "layer 1 moved", 1e-6);
        string file = Path.Combine(Path.GetTempPath(), $"directions-{Guid.NewGuid():N}.safetensors");
        try
        {
            set.Save(file);
            var loaded = SemanticDirectionSet.Load(file);
            Assert.Equal(set.Layers, loaded.Layers);
            Close.Assert(set.Directions, loaded.Directions, "directions", 0);
            Assert.Throws<InvalidValueException>(() => loaded.Apply(ws, 3, 1));
        }
        finally { File.Delete(file); }
    }
}
