using StyleGan.Formats;
using static TorchSharp.torch;

namespace StyleGan.Generation;

/// <summary>
/// ws saved to a file, as NVIDIA's projector writes them (<c>projected_w.npz</c>, key <c>w</c>, [N, num_ws, w_dim]
/// float32) and as safetensors with the same key.
/// </summary>
public static class SavedWs
{
    /// <summary>The key the ws are stored under, in both formats.</summary>
    public const string Key = "w";

    /// <summary>Reads ws [N, num_ws, w_dim] from .npz or .safetensors, checked against the network's sizes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="numWs">The network's number of ws.</param>
    /// <param name="wDim">The network's w size.</param>
    public static Tensor Load(string path, int numWs, int wDim)
    {
        Tensor ws = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npz" => NpzFile.Load(path, Key),
            ".safetensors" => ReadSafetensors(path),
            var other => throw new InvalidValueException("ProjectedW", $"{path}: '{other}' is not a ws file; give a .npz (as NVIDIA's projector writes) or .safetensors."),
        };
        if (ws.ndim == 2) ws = ws.unsqueeze(0);
        if (ws.ndim != 3 || ws.shape[1] != numWs || ws.shape[2] != wDim)
            throw new InvalidDataException($"{path}: the ws are [{string.Join(", ", ws.shape)}], but this network takes [N, {numWs}, {wDim}]; " +
                "were they projected with another network?");
        if (!ws.isfinite().all().item<bool>()) throw new InvalidDataException($"{path}: the ws hold NaN or infinite values.");
        return ws.to(float32);
    }

    /// <summary>Writes ws as NVIDIA's .npz and as .safetensors beside it (same name, other extension).</summary>
    /// <param name="npzPath">The .npz to write; the .safetensors goes beside it.</param>
    /// <param name="ws">[N, num_ws, w_dim].</param>
    public static void Save(string npzPath, Tensor ws)
    {
        using var values = Values(ws);
        NpzFile.Save(npzPath, [(Key, values)]);
        Safetensors.Save(Path.ChangeExtension(npzPath, ".safetensors"), [new(Key, values)]);
    }

    /// <summary>Writes ws to a stream as the .npz that <see cref="Save"/> writes (a download, say).</summary>
    /// <param name="stream">Where the .npz goes; left open.</param>
    /// <param name="ws">[N, num_ws, w_dim].</param>
    public static void WriteNpz(Stream stream, Tensor ws)
    {
        using var values = Values(ws);
        NpzFile.Write(stream, [(Key, values)]);
    }

    // A new handle, on the CPU as float32 in NumPy's order.
    static Tensor Values(Tensor ws) => ws.detach().cpu().to(float32).contiguous();

    static Tensor ReadSafetensors(string path)
    {
        using var file = Safetensors.Load(path);
        if (!file.Tensors.TryGetValue(Key, out var ws)) throw new InvalidDataException($"{path} holds no tensor '{Key}' (the ws); tensors: {string.Join(", ", file.Tensors.Keys)}.");
        return ws.clone();
    }
}
