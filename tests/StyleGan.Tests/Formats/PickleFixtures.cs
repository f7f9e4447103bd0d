using System.Text.Json;
using StyleGan.Formats;
using static TorchSharp.torch;

namespace StyleGan.Tests.Formats;

/// <summary>
/// The files of tests/fixtures/pickle, made by make_fixtures.py with PyTorch 1.13, and the tensors they hold as
/// PyTorch saw them (expected.safetensors), compared bit for bit.
/// </summary>
public sealed class PickleFixtures : IDisposable
{
    readonly SafetensorsFile expected = Safetensors.Load(Path("expected.safetensors"));

    public static string Path(string name) => System.IO.Path.Combine(ReferenceData.Fixture("pickle"), name);

    /// <summary>Names in the order PyTorch listed them, by prefix ("checkpoint.state.", "snapshot.G_ema.", ...).</summary>
    public IReadOnlyList<string> Order(string prefix) =>
        JsonSerializer.Deserialize<Dictionary<string, List<string>>>(expected.Metadata["order"])![prefix];

    /// <summary>Asserts <paramref name="actual"/> is a contiguous CPU tensor equal in dtype, shape and bits to the expected one.</summary>
    public void AssertTensor(string expectedName, object? actual)
    {
        var tensor = Assert.IsAssignableFrom<Tensor>(actual);
        var want = expected[expectedName];
        Assert.Equal(want.dtype, tensor.dtype);
        Assert.Equal(want.shape, tensor.shape);
        Assert.True(tensor.is_contiguous(), $"{expectedName} is not contiguous");
        Assert.Equal(TorchSharp.DeviceType.CPU, tensor.device_type);
        if (want.numel() > 0) Assert.Equal(want.bytes.ToArray(), tensor.bytes.ToArray());
    }

    public void Dispose() => expected.Dispose();
}
