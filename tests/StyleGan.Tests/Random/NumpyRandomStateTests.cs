using StyleGan.Random;

namespace StyleGan.Tests.Random;

/// <summary>Values printed by NumPy 1.24 (<c>repr</c> of float64), so a seed here means what it means in NVIDIA's tools.</summary>
public sealed class NumpyRandomStateTests
{
    const double Tolerance = 1e-12;

    // np.random.RandomState(seed).randn(5)
    public static TheoryData<uint, double[]> FirstNormals => new()
    {
        { 0u, [1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675] },
        { 1u, [1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785] },
        { 42u, [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597] },
        { 123456789u, [2.2129019979039612, 2.128397797652002, 1.8417114045748335, 0.08238247951406152, 0.858963679564603] },
        { 4294967295u, [0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104] },
    };

    [Theory]
    [MemberData(nameof(FirstNormals))]
    public void RandnMatchesNumpy(uint seed, double[] expected) =>
        AssertClose(expected, new NumpyRandomState(seed).StandardNormal(expected.Length));

    [Fact]
    public void RandomSampleMatchesNumpy()
    {
        AssertClose([0.5488135039273248, 0.7151893663724195, 0.6027633760716439], Samples(new NumpyRandomState(0), 3));
        AssertClose([0.3745401188473625, 0.9507143064099162, 0.7319939418114051], Samples(new NumpyRandomState(42), 3));
    }

    [Fact]
    public void LongStreamStaysInStepAcrossTheStateRefill()
    {
        // 512 normals use several refills of the 624-word state and 256 cached second values.
        double[] z = new NumpyRandomState(42).StandardNormal(512);
        AssertClose([0.2704568257798388, -0.05023810944913695], z[510..]);
    }

    [Fact]
    public void CachedGaussianSurvivesAUniformDraw()
    {
        // r = RandomState(7); r.randn(3); r.random_sample(); r.randn(2): the third normal's partner is still cached.
        var random = new NumpyRandomState(7);
        AssertClose([1.690525703800356, -0.4659373705408328, 0.0328201636785844], random.StandardNormal(3));
        AssertClose([0.5011204636599379], [random.RandomSample()]);
        AssertClose([0.40751628299650783, -0.1569886595634109], random.StandardNormal(2));
    }

    [Fact]
    public void RandnRoundsToFloat32LikeNumpy()
    {
        // RandomState(42).randn(1, 4).astype(np.float32)
        Assert.Equal([0.49671414494514465f, -0.13826429843902588f, 0.6476885676383972f, 1.5230298042297363f],
            new NumpyRandomState(42).Randn(4));
    }

    [Fact]
    public void LatentsForSeedsDrawEachRowFromItsOwnSeed()
    {
        using var latents = SeedLatents.LatentsForSeeds([1, 42], 512);
        Assert.Equal(new long[] { 2, 512 }, latents.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, latents.dtype);
        Assert.Equal(new NumpyRandomState(1).Randn(512), latents[0].data<float>().ToArray());
        Assert.Equal((float)-0.05023810944913695, latents[1, 511].item<float>());
    }

    // NumPy 1.24: r = RandomState(5); r.randn(1, 7); [r.randint(10) for _ in range(5)], and RandomState(0) after
    // randn(1, 512): randint(1000) (avg_spectra.py's class of a conditional network's image).
    [Fact]
    public void RandomIntegersAfterLatentsAreNumpys()
    {
        var random = new NumpyRandomState(5);
        random.Randn(7);
        Assert.Equal(new[] { 5, 7, 0, 1, 4 }, Enumerable.Range(0, 5).Select(_ => random.RandomInteger(10)).ToArray());
        var other = new NumpyRandomState(0);
        other.Randn(512);
        Assert.Equal(196, other.RandomInteger(1000));
        Assert.Equal(0, other.RandomInteger(1));
    }

    // NumPy 1.24: a = np.arange(10); RandomState(0).shuffle(a); and the first 5 of arange(10000) shuffled by RandomState(3), sorted
    // (ImageFolderDataset's max_size subset).
    [Fact]
    public void ShuffleIsNumpys()
    {
        var items = Enumerable.Range(0, 10).ToList();
        new NumpyRandomState(0).Shuffle(items);
        Assert.Equal(new[] { 2, 8, 4, 9, 1, 6, 7, 3, 0, 5 }, items);
        var many = Enumerable.Range(0, 10000).ToList();
        new NumpyRandomState(3).Shuffle(many);
        Assert.Equal(new[] { 231, 1448, 3351, 5876, 6555 }, many.Take(5).Order().ToArray());
    }

    static double[] Samples(NumpyRandomState random, int count) =>
        Enumerable.Range(0, count).Select(_ => random.RandomSample()).ToArray();

    static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"value {i}: {actual[i]:R}, NumPy {expected[i]:R}.");
    }
}
