using static TorchSharp.torch;

namespace StyleGan.Distributed;

/// <summary>One process alone: every collective call is the identity.</summary>
public sealed class SingleProcess : ICollective
{
    public static readonly SingleProcess Instance = new();

    SingleProcess() { }

    public int Rank => 0;

    public int Size => 1;

    public void AllReduceSum(Tensor tensor) { }

    public void Broadcast(Tensor tensor, int root = 0)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), root, "A single process has only rank 0.");
    }

    public Tensor AllGather(Tensor tensor) => tensor.unsqueeze(0).clone();

    public void Abort(int exitCode) => Environment.Exit(exitCode);
}
