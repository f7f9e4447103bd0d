using static TorchSharp.torch;

namespace StyleGan.Serialization;

/// <summary>Where one variable of a TensorFlow network goes in ours: our name, and our value from TF's.</summary>
/// <param name="Name">Our parameter or buffer name.</param>
/// <param name="Convert">Our value from the TF variable's (transposed, flipped, rescaled, ...).</param>
internal sealed record VariableTarget(string Name, Func<Tensor, Tensor> Convert);
