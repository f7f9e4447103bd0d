using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// Runs one pickle (protocols 0-5) and returns the value it describes. It never executes anything: names the pickle
/// refers to resolve through <see cref="AllowedGlobals"/> to C# handlers, and every declared length is checked
/// against the bytes that remain before anything is allocated.
/// </summary>
internal sealed class PickleMachine
{
    const int HighestProtocol = 5;

    /// <summary>Python's own limit on decimal digits in int(str) since 3.11: parsing is quadratic in the digits.</summary>
    const int MaxDecimalDigits = 4300;

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly PickleInput input;
    readonly LoadContext context;
    readonly Func<object?, object?>? persistentLoad;
    readonly List<object?> stack = [];
    readonly Stack<int> marks = new();
    readonly Dictionary<long, object?> memo = [];
    long opcodeStart;
    PickleOpcode opcode;

    PickleMachine(PickleInput input, LoadContext context, Func<object?, object?>? persistentLoad)
    {
        this.input = input;
        this.context = context;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>Runs the pickle that starts at <paramref name="position"/> up to its STOP, and moves the position past it.</summary>
    /// <param name="data">The bytes that hold the pickle.</param>
    /// <param name="position">Where it starts; on return, just past its STOP.</param>
    /// <param name="context">What the load shares across its pickles: the file's name for messages, the memory its tensors may take.</param>
    /// <param name="persistentLoad">Resolves persistent ids (PyTorch's storages); null where the format has none.</param>
    public static object? Run(byte[] data, ref int position, LoadContext context, Func<object?, object?>? persistentLoad)
    {
        var input = PickleInput.Of(data, position);
        var value = Run(input, context, persistentLoad);
        position = (int)input.Position;
        return value;
    }

    /// <summary>Runs the pickle that starts at the input's position up to its STOP, leaving the input just past it.</summary>
    /// <param name="input">The bytes.</param>
    /// <param name="context">The load's limits and tensors.</param>
    /// <param name="persistentLoad">Resolves persistent ids (PyTorch's storages); null where the format has none.</param>
    public static object? Run(PickleInput input, LoadContext context, Func<object?, object?>? persistentLoad) =>
        new PickleMachine(input, context, persistentLoad).Execute();

    object? Execute()
    {
        while (true)
        {
            opcodeStart = input.Position;
            if (input.Remaining == 0) throw Corrupt($"the pickle ends at offset {opcodeStart} without a STOP opcode (truncated)");
            opcode = (PickleOpcode)input.ReadByte();
            switch (opcode)
            {
                case PickleOpcode.PROTO:
                    int protocol = Read(1)[0];
                    if (protocol > HighestProtocol) throw Corrupt($"pickle protocol {protocol} is newer than this reader knows ({HighestProtocol})");
                    break;
                case PickleOpcode.FRAME:
                    CheckLength(BinaryPrimitives.ReadUInt64LittleEndian(Read(8)));
                    break;
                case PickleOpcode.STOP:
                    return Pop();

                case PickleOpcode.MARK: marks.Push(stack.Count); break;
                case PickleOpcode.POP:
                    if (stack.Count > Floor) stack.RemoveAt(stack.Count - 1);
                    else PopMark();
                    break;
                case PickleOpcode.POP_MARK: PopMark(); break;
                case PickleOpcode.DUP: Push(Top()); break;

                case PickleOpcode.NONE: Push(null); break;
                case PickleOpcode.NEWTRUE: Push(true); break;
                case PickleOpcode.NEWFALSE: Push(false); break;
                case PickleOpcode.INT:
                    string intText = Ascii(ReadLine());
                    Push(intText switch { "00" => false, "01" => true, _ => ParseInteger(intText) });
                    break;
                case PickleOpcode.LONG: Push(ParseInteger(Ascii(ReadLine()).TrimEnd('L'))); break;
                case PickleOpcode.BININT: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break;
                case PickleOpcode.BININT1: Push((long)Read(1)[0]); break;
                case PickleOpcode.BININT2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break;
                case PickleOpcode.LONG1: Push(PyValue.Integer(new BigInteger(Read(Read(1)[0])))); break;
                case PickleOpcode.LONG4: Push(PyValue.Integer(new BigInteger(Read(SignedLength(Read(4)))))); break;
                case PickleOpcode.BINFLOAT: Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8))); break;
                case PickleOpcode.FLOAT: Push(ParseFloat(Ascii(ReadLine()))); break;

                case PickleOpcode.STRING: Push(PythonTwoString(PythonEscapes.DecodeStringLiteral(ReadLine(), Corrupt))); break;
                case PickleOpcode.BINSTRING: Push(PythonTwoString(Read(SignedLength(Read(4))))); break;
                case PickleOpcode.SHORT_BINSTRING: Push(PythonTwoString(Read(Read(1)[0]))); break;
                case PickleOpcode.UNICODE: Push(PythonEscapes.DecodeRawUnicodeEscape(ReadLine(), Corrupt)); break;
                case PickleOpcode.BINUNICODE: Push(Utf8(Read(BinaryPrimitives.ReadUInt32LittleEndian(Read(4))))); break;
                case PickleOpcode.SHORT_BINUNICODE: Push(Utf8(Read(Read(1)[0]))); break;
                case PickleOpcode.BINUNICODE8: Push(Utf8(Read(CheckLength(BinaryPrimitives.ReadUInt64LittleEndian(Read(8)))))); break;
                case PickleOpcode.BINBYTES: Push(Bytes(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;
                case PickleOpcode.SHORT_BINBYTES: Push(Read(Read(1)[0]).ToArray()); break;
                case PickleOpcode.BINBYTES8: Push(Bytes(CheckLength(BinaryPrimitives.ReadUInt64LittleEndian(Read(8))))); break;
                case PickleOpcode.BYTEARRAY8: Push(Read(CheckLength(BinaryPrimitives.ReadUInt64LittleEndian(Read(8)))).ToArray()); break;

                case PickleOpcode.EMPTY_TUPLE: Push(PyTuple.Empty); break;
                case PickleOpcode.TUPLE: Push(new PyTuple(PopMark())); break;
                case PickleOpcode.TUPLE1: Push(new PyTuple(PopItems(1))); break;
                case PickleOpcode.TUPLE2: Push(new PyTuple(PopItems(2))); break;
                case PickleOpcode.TUPLE3: Push(new PyTuple(PopItems(3))); break;
                case PickleOpcode.EMPTY_LIST: Push(new List<object?>()); break;
                case PickleOpcode.LIST: Push(new List<object?>(PopMark())); break;
                case PickleOpcode.APPEND: Append([Pop()]); break;
                case PickleOpcode.APPENDS: Append(PopMark()); break;
                case PickleOpcode.EMPTY_DICT: Push(new PyDict(context.Source)); break;
                case PickleOpcode.DICT:
                    var dict = new PyDict(context.Source);
                    SetItems(dict, PopMark());
                    Push(dict);
                    break;
                case PickleOpcode.SETITEM:
                    var value = Pop();
                    var key = Pop();
                    SetItems(Top(), [key, value]);
                    break;
                case PickleOpcode.SETITEMS:
                    var keysAndValues = PopMark();
                    SetItems(Top(), keysAndValues);
                    break;
                case PickleOpcode.EMPTY_SET: Push(new HashSet<object>(PyKeyComparer.Instance)); break;
                case PickleOpcode.FROZENSET: Push(NewSet(PopMark())); break;
                case PickleOpcode.ADDITEMS:
                    var items = PopMark();
                    if (Top() is not HashSet<object> set) throw Corrupt($"ADDITEMS on {PyValue.Describe(Top())}, not a set");
                    foreach (var item in items) set.Add(Hashable(item));
                    break;

                case PickleOpcode.PUT: Memoize(ParseMemoIndex(Ascii(ReadLine()))); break;
                case PickleOpcode.BINPUT: Memoize(Read(1)[0]); break;
                case PickleOpcode.LONG_BINPUT: Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Read(4))); break;
                case PickleOpcode.MEMOIZE: Memoize(memo.Count); break;
                case PickleOpcode.GET: Push(Recall(ParseMemoIndex(Ascii(ReadLine())))); break;
                case PickleOpcode.BINGET: Push(Recall(Read(1)[0])); break;
                case PickleOpcode.LONG_BINGET: Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;

                case PickleOpcode.GLOBAL:
                    string module = Utf8(ReadLine());
                    Push(AllowedGlobals.Resolve(module, Utf8(ReadLine()), context));
                    break;
                case PickleOpcode.STACK_GLOBAL:
                    var globalName = Pop();
                    var globalModule = Pop();
                    if (globalModule is not string moduleName || globalName is not string qualifiedName)
                        throw Corrupt($"STACK_GLOBAL needs two strings, got {PyValue.Describe(globalModule)} and {PyValue.Describe(globalName)}");
                    Push(AllowedGlobals.Resolve(moduleName, qualifiedName, context));
                    break;
                case PickleOpcode.REDUCE:
                    var reduceArgs = PopArgs();
                    Push(Callable(Pop()).Call(reduceArgs, context));
                    break;
                case PickleOpcode.NEWOBJ:
                    var newArgs = PopArgs();
                    Push(Callable(Pop()).Call(newArgs, context));
                    break;
                case PickleOpcode.NEWOBJ_EX:
                    var kwargs = Pop();
                    var newExArgs = PopArgs();
                    var cls = Callable(Pop());
                    if (kwargs is not PyDict { Count: 0 })
                        throw Corrupt($"NEWOBJ_EX passes keyword arguments ({PyValue.Describe(kwargs)}) to {cls.FullName}, which this reader does not support");
                    Push(cls.Call(newExArgs, context));
                    break;
                case PickleOpcode.BUILD:
                    var state = Pop();
                    Build(Top(), state);
                    break;
                case PickleOpcode.PERSID: Push(PersistentLoad(Ascii(ReadLine()))); break;
                case PickleOpcode.BINPERSID: Push(PersistentLoad(Pop())); break;

                case PickleOpcode.INST or PickleOpcode.OBJ or PickleOpcode.EXT1 or PickleOpcode.EXT2 or PickleOpcode.EXT4
                    or PickleOpcode.NEXT_BUFFER or PickleOpcode.READONLY_BUFFER:
                    throw Corrupt($"opcode {opcode} (0x{(byte)opcode:x2}) at offset {opcodeStart} is not supported: neither PyTorch nor StyleGAN's pickles use it");
                default:
                    throw Corrupt($"unknown opcode 0x{(byte)opcode:x2} at offset {opcodeStart}");
            }
        }
    }

    InvalidDataException Corrupt(string why) => context.Corrupt(why);

    // ---- reading the bytes -----------------------------------------------------------------------------------

    ReadOnlySpan<byte> Read(long count)
    {
        CheckLength((ulong)count);
        if (count > int.MaxValue) throw context.Refuse($"{OpcodeName} at offset {opcodeStart} declares {count} bytes, more than one value may hold");
        return input.Read((int)count);
    }

    /// <summary>A declared length, refused (before anything is allocated) when more bytes than remain.</summary>
    long CheckLength(ulong declared)
    {
        long remaining = input.Remaining;
        if (declared > (ulong)remaining)
            throw Corrupt($"{OpcodeName} at offset {opcodeStart} needs {declared} bytes but only {remaining} remain (truncated or corrupt)");
        return (long)declared;
    }

    // A bytes object: large ones of a file stay in the file until used (see FileBytes), the others are read now.
    object Bytes(long count)
    {
        CheckLength((ulong)count);
        if (!input.CanReread || count < FileBytes.MinimumLength || count > int.MaxValue) return Read(count).ToArray();
        var bytes = new FileBytes(input, input.Position, (int)count, context);
        input.Skip(count);
        return bytes;
    }

    long SignedLength(ReadOnlySpan<byte> bytes)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        return length >= 0 ? length : throw Corrupt($"{OpcodeName} at offset {opcodeStart} declares a negative length ({length})");
    }

    ReadOnlySpan<byte> ReadLine()
    {
        if (!input.TryReadLine(out var line))
            throw Corrupt($"{OpcodeName} at offset {opcodeStart} has no end of line before the end of the data (truncated or corrupt)");
        return line;
    }

    string OpcodeName => opcode.ToString();

    string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    string Utf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Corrupt($"{OpcodeName} at offset {opcodeStart} holds text that is not UTF-8"); }
    }

    /// <summary>Python 2's str: UTF-8 as torch.load decodes it, Latin-1 where it is not UTF-8 (binary data).</summary>
    static string PythonTwoString(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
    }

    object ParseInteger(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long small)) return small;
        if (text.Length > MaxDecimalDigits + 1)
            throw Corrupt($"{OpcodeName} at offset {opcodeStart} writes an integer of {text.Length} digits; more than Python's limit of {MaxDecimalDigits}");
        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big) ? PyValue.Integer(big)
            : throw Corrupt($"{OpcodeName} at offset {opcodeStart} holds '{Shorten(text)}', not an integer");
    }

    double ParseFloat(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value
            : throw Corrupt($"FLOAT at offset {opcodeStart} holds '{Shorten(text)}', not a number"),
    };

    long ParseMemoIndex(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long index) ? index
            : throw Corrupt($"{OpcodeName} at offset {opcodeStart} holds '{Shorten(text)}', not a memo index");

    static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

    // ---- the stack ---------------------------------------------------------------------------------------------

    /// <summary>The stack below the innermost MARK, which plain pops may not reach.</summary>
    int Floor => marks.Count > 0 ? marks.Peek() : 0;

    void Push(object? value) => stack.Add(value);

    object? Top() => stack.Count > Floor ? stack[^1]
        : throw Corrupt($"{OpcodeName} at offset {opcodeStart} needs a value but the stack is empty");

    object? Pop()
    {
        var value = Top();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    object?[] PopItems(int count)
    {
        if (stack.Count - Floor < count) throw Corrupt($"{OpcodeName} at offset {opcodeStart} needs {count} values but the stack holds fewer");
        var items = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    object?[] PopMark()
    {
        if (marks.Count == 0) throw Corrupt($"{OpcodeName} at offset {opcodeStart} has no MARK before it");
        int mark = marks.Pop();
        var items = stack.GetRange(mark, stack.Count - mark).ToArray();
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    PyTuple PopArgs() => Pop() is PyTuple args ? args
        : throw Corrupt($"{OpcodeName} at offset {opcodeStart} needs an argument tuple");

    void Memoize(long index) => memo[index] = Top();

    object? Recall(long index) => memo.TryGetValue(index, out var value) ? value
        : throw Corrupt($"{OpcodeName} at offset {opcodeStart} recalls memo entry {index}, which was never stored");

    // ---- containers and objects ----------------------------------------------------------------------------------

    object Hashable(object? key) => PyKeyComparer.WhyUnhashable(key) is { } why
        ? throw Corrupt($"{OpcodeName} at offset {opcodeStart}: {why}")
        : key!;

    HashSet<object> NewSet(IEnumerable<object?> items)
    {
        var set = new HashSet<object>(PyKeyComparer.Instance);
        foreach (var item in items) set.Add(Hashable(item));
        return set;
    }

    void Append(object?[] items)
    {
        if (Top() is not List<object?> list) throw Corrupt($"{OpcodeName} at offset {opcodeStart} appends to {PyValue.Describe(Top())}, not a list");
        list.AddRange(items);
    }

    void SetItems(object? target, object?[] keysAndValues)
    {
        if (keysAndValues.Length % 2 != 0) throw Corrupt($"{OpcodeName} at offset {opcodeStart} has a key without a value");
        var dict = target switch
        {
            PyDict d => d,
            PyObject obj => obj.Items ??= new PyDict(context.Source, obj.FullName),
            _ => throw Corrupt($"{OpcodeName} at offset {opcodeStart} sets items of {PyValue.Describe(target)}, not a dict"),
        };
        for (int i = 0; i < keysAndValues.Length; i += 2) dict[Hashable(keysAndValues[i])] = keysAndValues[i + 1];
    }

    PickleGlobal Callable(object? value) => value as PickleGlobal
        ?? throw Corrupt($"{OpcodeName} at offset {opcodeStart} calls {PyValue.Describe(value)}, which is not a function or class");

    /// <summary>BUILD: what Python's default __setstate__ does, an update of the object's attributes.</summary>
    void Build(object? target, object? state)
    {
        switch (target)
        {
            case NumpyGlobals.DType numpyType:
                numpyType.SetState(state, context);
                return;
            case NumpyArray array:
                array.SetState(state, context);
                return;
        }
        var attributes = target switch
        {
            PyObject obj => obj.State,
            PyDict dict => dict.Attributes ??= new PyDict(context.Source, $"{dict.PythonType}.__dict__"),
            _ => throw Corrupt($"BUILD at offset {opcodeStart} sets the state of {PyValue.Describe(target)}, which has none"),
        };
        // A (dict, slots) pair is how Python pickles objects with __slots__; either half may be None.
        var parts = state is PyTuple { Count: 2 } pair ? pair.ToArray() : [state];
        foreach (var part in parts)
        {
            if (part is null) continue;
            if (part is not PyDict values) throw Corrupt($"BUILD at offset {opcodeStart} gives {PyValue.Describe(target)} a state of {PyValue.Describe(part)}, not a dict");
            foreach (var (key, value) in values) attributes[key] = value;
        }
    }

    object? PersistentLoad(object? id) => persistentLoad is not null ? persistentLoad(id)
        : throw Corrupt($"the pickle refers to a persistent object ({PyValue.Describe(id)}) at offset {opcodeStart}, which only PyTorch's own file formats define");
}
