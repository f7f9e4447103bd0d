using StyleGan.Configs;
using StyleGan.Formats;
using StyleGan.Networks;
using static TorchSharp.torch;

namespace StyleGan.Tests.Networks;

/// <summary>
/// StyleGAN3's mapping network is StyleGAN2's with other defaults (2 layers, w_avg_beta 0.998): ours, so
/// configured, against NVIDIA's stylegan3 MappingNetwork (tests/fixtures/stylegan3-layers/mapping.safetensors).
/// </summary>
public sealed class AliasFreeMappingTests
{
    [Fact]
    public void OurMappingConfiguredAsStyleGan3sEqualsNvidias()
    {
        using var set = Safetensors.Load(Path.Combine(ReferenceData.Fixture("stylegan3-layers"), "mapping.safetensors"));
        using var mapping = new MappingNetwork(8, 3, 8, 8, new MappingConfig { NumLayers = 2, WAvgBeta = 0.998 });
        StateDict.Load(mapping, set.Tensors.Where(kv => kv.Key.StartsWith("state.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["state.".Length..], kv => kv.Value));
        mapping.eval();
        using (no_grad())
        {
            Close.Assert(set["ws"], mapping.forward(set["z"], set["c"]), "ws");
            Close.Assert(set["ws_psi0.7_cutoff4"], mapping.forward(set["z"], set["c"], truncationPsi: 0.7, truncationCutoff: 4), "ws at psi 0.7, cutoff 4");
        }
        mapping.train();
        using (no_grad()) mapping.forward(set["z"], set["c"]);
        Close.Assert(set["w_avg_updated"], mapping.WAvg, "w_avg after an update");
    }
}
