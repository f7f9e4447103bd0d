using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>A storage class (torch.FloatStorage, ...) as it appears in a persistent id: it gives the storage's dtype.</summary>
internal sealed record StorageType(string Name, ScalarType DType);
