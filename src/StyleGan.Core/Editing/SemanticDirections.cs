using StyleGan.Formats;
using StyleGan.Generation;
using static TorchSharp.torch;

namespace StyleGan.Editing;

/// <summary>Directions in W, best first, with the layers they were found for.</summary>
/// <param name="Directions">Unit vectors [K, w_dim], one per row.</param>
/// <param name="Eigenvalues">How strongly each direction moves the styles [K], descending.</param>
/// <param name="Layers">The ws indices the directions were computed on, and are applied to.</param>
public sealed record SemanticDirectionSet(Tensor Directions, Tensor Eigenvalues, IReadOnlyList<int> Layers)
{
    /// <summary>Moves ws along direction <paramref name="index"/> by <paramref name="strength"/>, in the set's layers only.</summary>
    /// <param name="ws">[N, num_ws, w_dim].</param>
    /// <param name="index">Which direction (0: the strongest).</param>
    /// <param name="strength">How far, in w units (the direction is a unit vector).</param>
    public Tensor Apply(Tensor ws, int index, double strength)
    {
        if (index < 0 || index >= Directions.shape[0])
            throw new InvalidValueException("Direction", $"direction {index} is not in the file, which holds directions 0 to {Directions.shape[0] - 1}.");
        if (Layers.Any(layer => layer >= ws.shape[1]))
            throw new InvalidValueException("Direction", $"the directions were found for ws {string.Join(",", Layers)}, but this network has {ws.shape[1]} ws.");
        if (Directions.shape[1] != ws.shape[2])
            throw new InvalidValueException("Direction", $"the directions are {Directions.shape[1]}-dimensional, but this network's w has {ws.shape[2]} dimensions.");
        var moved = ws + Directions[index].to(ws.dtype).reshape(1, 1, -1) * strength;
        return WSpace.Mix(ws, moved, Layers);
    }

    /// <summary>Writes the set as safetensors: <c>directions</c>, <c>eigenvalues</c>, and the layers in the metadata.</summary>
    /// <param name="path">The file to write (atomically).</param>
    public void Save(string path) => Safetensors.Save(path,
        [new("directions", Directions.to(float32)), new("eigenvalues", Eigenvalues.to(float32))],
        new Dictionary<string, string> { ["kind"] = Kind, ["layers"] = string.Join(",", Layers) });

    /// <summary>The "kind" metadata of a directions file.</summary>
    public const string Kind = "stylegan-directions";

    /// <summary>Reads a set written by <see cref="Save"/>; refuses another kind of file, naming it.</summary>
    /// <param name="path">The file.</param>
    public static SemanticDirectionSet Load(string path)
    {
        using var file = Safetensors.Load(path);
        if (file.Metadata.GetValueOrDefault("kind") != Kind || !file.Tensors.ContainsKey("directions") || !file.Tensors.ContainsKey("eigenvalues"))
            throw new InvalidDataException($"{path} is not a directions file (written by `stylegan directions`): it lacks kind={Kind}, directions or eigenvalues.");
        var directions = file["directions"];
        if (directions.ndim != 2 || file["eigenvalues"].ndim != 1 || file["eigenvalues"].shape[0] != directions.shape[0])
            throw new InvalidDataException($"{path}: directions [{string.Join(", ", directions.shape)}] and eigenvalues [{string.Join(", ", file["eigenvalues"].shape)}] do not match.");
        var layers = file.Metadata.GetValueOrDefault("layers", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(text => int.TryParse(text, out int i) && i >= 0 ? i : throw new InvalidDataException($"{path}: the layer '{text}' in its metadata is not an index.")).ToList();
        if (layers.Count == 0) throw new InvalidDataException($"{path}: its metadata names no layers.");
        return new SemanticDirectionSet(directions.clone(), file["eigenvalues"].clone(), layers);
    }
}

/// <summary>
/// Closed-form factorization (SeFa, Shen and Zhou 2021): the styles of the chosen layers are A w + b, so the directions
/// of w that change them most are the top eigenvectors of A^T A, with A the layers' affine weights stacked, each
/// output channel's weight row scaled to unit norm (as SeFa does). No sampling, no training.
/// </summary>
public static class SemanticDirections
{
    /// <summary>The matrix A^T A [w_dim, w_dim] of the layers, in float64.</summary>
    /// <param name="sampler">The generator.</param>
    /// <param name="layers">The ws indices whose synthesis convolutions count.</param>
    public static Tensor Matrix(Sampler sampler, IReadOnlyList<int> layers)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var chosen = sampler.Generator.Synthesis.Layers().Where(l => layers.Contains(l.WIndex)).ToList();
        if (chosen.Count == 0) throw new InvalidValueException("Layers", $"no synthesis convolution takes ws {string.Join(",", layers)}.");
        if (chosen.Any(l => l.Layer.ScaleStyleWeight is null))
            throw new InvalidValueException("Layers", "this network has no styles (Progressive GAN's pixel-norm layers), so w has no directions to factorize.");
        var a = cat(chosen.Select(l => l.Layer.ScaleStyleWeight!.to(float64).cpu()).ToList(), 0); // [channels, w_dim]
        a = a / a.norm(1, keepdim: true);
        return a.t().matmul(a).MoveToOuterDisposeScope();
    }

    /// <param name="sampler">The generator.</param>
    /// <param name="layers">The ws indices to factorize and later apply to (all: every layer).</param>
    /// <param name="top">How many directions to keep.</param>
    public static SemanticDirectionSet Find(Sampler sampler, IReadOnlyList<int> layers, int top = 10)
    {
        int wDim = sampler.Generator.Config.WDim;
        if (top < 1 || top > wDim) throw new InvalidValueException("Top", $"--top {top} is outside [1, {wDim}] (w has {wDim} dimensions).");
        using var scope = NewDisposeScope();
        // Symmetric, so eigh: real eigenvalues in ascending order and orthonormal eigenvectors in the columns.
        var (values, vectors) = linalg.eigh(Matrix(sampler, layers));
        var order = arange(wDim - 1, wDim - 1 - top, -1);
        return new SemanticDirectionSet(vectors.index_select(1, order).t().contiguous().to(float32).MoveToOuterDisposeScope(),
            values.index_select(0, order).to(float32).MoveToOuterDisposeScope(), layers);
    }
}
