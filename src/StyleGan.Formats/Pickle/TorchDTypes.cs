using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>PyTorch's dtype and storage-type names as pickles spell them, and the element sizes of their data.</summary>
internal static class TorchDTypes
{
    /// <summary>torch.float32 and the like: the pickle names the dtype object by its canonical name.</summary>
    public static readonly IReadOnlyDictionary<string, ScalarType> ByName = new Dictionary<string, ScalarType>
    {
        ["float32"] = ScalarType.Float32, ["float64"] = ScalarType.Float64, ["float16"] = ScalarType.Float16,
        ["bfloat16"] = ScalarType.BFloat16, ["int64"] = ScalarType.Int64, ["int32"] = ScalarType.Int32,
        ["int16"] = ScalarType.Int16, ["int8"] = ScalarType.Int8, ["uint8"] = ScalarType.Byte, ["bool"] = ScalarType.Bool,
    };

    /// <summary>Typed storage classes (torch.FloatStorage, ...); UntypedStorage holds bytes.</summary>
    public static readonly IReadOnlyDictionary<string, ScalarType> ByStorageName = new Dictionary<string, ScalarType>
    {
        ["FloatStorage"] = ScalarType.Float32, ["DoubleStorage"] = ScalarType.Float64, ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16, ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16, ["CharStorage"] = ScalarType.Int8, ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool, ["UntypedStorage"] = ScalarType.Byte,
    };

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
