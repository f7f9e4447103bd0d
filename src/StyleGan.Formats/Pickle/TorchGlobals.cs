using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Formats.Pickle;

/// <summary>The names from <c>torch</c> that checkpoints use: tensor and parameter rebuilders, storage types, dtypes.</summary>
internal static class TorchGlobals
{
    public static void Register(Dictionary<string, object> names)
    {
        void Function(string module, string name, PickleCall call) => names[$"{module}.{name}"] = new PickleGlobal(module, name, call);

        Function("torch._utils", "_rebuild_tensor", (args, context) =>
        {
            context.CheckArity(args, "torch._utils._rebuild_tensor", 4);
            return RebuildTensor(args, "torch._utils._rebuild_tensor", context);
        });
        Function("torch._utils", "_rebuild_tensor_v2", (args, context) =>
        {
            const string function = "torch._utils._rebuild_tensor_v2";
            context.CheckArity(args, function, 6, 7); // the 7th, metadata, holds Python attributes of the tensor
            var tensor = RebuildTensor(args, function, context);
            return context.Arg<bool>(args, 4, function) ? tensor.requires_grad_(true) : tensor;
        });
        Function("torch._utils", "_rebuild_parameter", (args, context) =>
        {
            context.CheckArity(args, "torch._utils._rebuild_parameter", 3);
            return Parameter(args, "torch._utils._rebuild_parameter", context);
        });
        Function("torch._utils", "_rebuild_parameter_with_state", (args, context) =>
        {
            context.CheckArity(args, "torch._utils._rebuild_parameter_with_state", 4); // the state holds Python attributes
            return Parameter(args, "torch._utils._rebuild_parameter_with_state", context);
        });
        Function("torch._tensor", "_rebuild_from_type_v2", RebuildFromType);
        Function("torch.storage", "_load_from_bytes", (args, context) =>
        {
            context.CheckArity(args, "torch.storage._load_from_bytes", 1);
            return TorchFile.LoadNested(context.Arg<byte[]>(args, 0, "torch.storage._load_from_bytes"), context);
        });
        Function("torch", "device", Device);
        Function("torch", "Size", (args, context) =>
        {
            context.CheckArity(args, "torch.Size", 0, 1);
            return args.Count == 0 ? PyTuple.Empty : new PyTuple(PythonBuiltins.Iterate(args[0], "torch.Size", context).ToArray());
        });

        foreach (var type in new[] { ("torch", "Tensor"), ("torch._tensor", "Tensor"), ("torch.nn.parameter", "Parameter") })
            names[$"{type.Item1}.{type.Item2}"] = new PickleGlobal(type.Item1, type.Item2);
        foreach (var (name, dtype) in TorchDTypes.ByName) names[$"torch.{name}"] = dtype;
        foreach (var (name, dtype) in TorchDTypes.ByStorageName)
        {
            names[$"torch.{name}"] = new StorageType(name, dtype);
            // Old files saved from a GPU name the CUDA storage class; this reader loads every storage to the CPU.
            names[$"torch.cuda.{name}"] = new StorageType(name, dtype);
        }
    }

    /// <summary>(storage, storage_offset, size, stride, ...) to a tensor.</summary>
    static Tensor RebuildTensor(PyTuple args, string function, LoadContext context)
    {
        var storage = args[0] as TorchStorage
            ?? throw context.Corrupt($"{function} gets {PyValue.Describe(args[0])} where a storage belongs");
        return storage.View(context.Arg<long>(args, 1, function), Longs(args, 2, function, context), Longs(args, 3, function, context), context);
    }

    static long[] Longs(PyTuple args, int index, string function, LoadContext context) =>
        context.Arg<PyTuple>(args, index, function)
            .Select(item => item as long? ?? throw context.Corrupt($"argument {index + 1} of {function} holds {PyValue.Describe(item)}, not an int"))
            .ToArray();

    /// <summary>(data, requires_grad, backward_hooks[, state]) to a Parameter; hooks and Python attributes are dropped.</summary>
    static Parameter Parameter(PyTuple args, string function, LoadContext context)
    {
        var data = context.Arg<Tensor>(args, 0, function);
        return context.Track(new Parameter(data, context.Arg<bool>(args, 1, function)));
    }

    /// <summary>(func, type, args, state): how torch pickles tensors that carry Python attributes or are subclasses.</summary>
    static object? RebuildFromType(PyTuple args, LoadContext context)
    {
        const string function = "torch._tensor._rebuild_from_type_v2";
        context.CheckArity(args, function, 4);
        var rebuild = context.Arg<PickleGlobal>(args, 0, function);
        var type = context.Arg<PickleGlobal>(args, 1, function);
        var tensor = rebuild.Call(context.Arg<PyTuple>(args, 2, function), context) as Tensor
            ?? throw context.Corrupt($"{function} rebuilds with {rebuild.FullName}, which gives no tensor");
        return type.FullName switch
        {
            "torch.Tensor" or "torch._tensor.Tensor" => tensor,
            "torch.nn.parameter.Parameter" => tensor is Parameter ? tensor : context.Track(new Parameter(tensor, tensor.requires_grad)),
            _ => throw context.Corrupt($"{function} makes a {type.FullName}, which is not a tensor type"),
        };
    }

    /// <summary>torch.device('cuda', 0) and the like, as the string torch would print: "cuda:0".</summary>
    static object Device(PyTuple args, LoadContext context)
    {
        context.CheckArity(args, "torch.device", 1, 2);
        string type = context.Arg<string>(args, 0, "torch.device");
        return args.Count == 2 && args[1] is long index ? $"{type}:{index}" : type;
    }
}
