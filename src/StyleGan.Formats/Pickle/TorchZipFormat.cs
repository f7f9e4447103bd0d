using System.IO.Compression;
using System.Text;

namespace StyleGan.Formats.Pickle;

/// <summary>
/// PyTorch's zip format (torch.save's default since 1.6): <c>&lt;archive&gt;/data.pkl</c> is the pickle, and each
/// storage it refers to is the raw little-endian entry <c>&lt;archive&gt;/data/&lt;key&gt;</c>.
/// </summary>
internal static class TorchZipFormat
{
    public static bool Matches(byte[] bytes) => bytes.AsSpan().StartsWith("PK\x03\x04"u8);

    public static object? Load(byte[] bytes, LoadContext context)
    {
        ZipArchive zip;
        try { zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw context.Corrupt($"the zip archive cannot be read (truncated?): {e.Message}"); }
        using (zip)
        {
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pickles.Count != 1)
                throw context.Corrupt(pickles.Count == 0 ? "a zip archive without <archive>/data.pkl, so not a PyTorch checkpoint" : "a zip archive with more than one <archive>/data.pkl");
            string archive = pickles[0].FullName[..^"/data.pkl".Length];
            if (zip.GetEntry($"{archive}/byteorder") is { } byteOrder && Encoding.ASCII.GetString(Read(byteOrder, context)) != "little")
                throw context.Refuse("the file was saved on a big-endian machine; this reader reads little-endian data only");

            var storages = new Dictionary<string, TorchStorage>();
            object? Storage(object? id)
            {
                var (key, type, numel, _) = TorchStorage.ParseId(id, context);
                if (storages.TryGetValue(key, out var known))
                {
                    if (known.DType != type.DType || known.Numel != numel)
                        throw context.Corrupt($"storage '{key}' is referred to as {known.Numel} {known.DType} and as {numel} {type.DType} elements");
                    return known;
                }
                var entry = zip.GetEntry($"{archive}/data/{key}")
                    ?? throw context.Corrupt($"the pickle refers to storage '{key}' but the archive has no {archive}/data/{key}");
                var storage = new TorchStorage(key, type.DType, numel);
                storage.SetData(Read(entry, context), context);
                return storages[key] = storage;
            }
            int position = 0;
            return PickleMachine.Run(Read(pickles[0], context), ref position, context, Storage);
        }
    }

    static byte[] Read(ZipArchiveEntry entry, LoadContext context)
    {
        // PyTorch stores entries uncompressed, so none can be larger than the file; a larger one is a zip bomb.
        if (entry.Length > context.FileLength)
            throw context.Refuse($"the zip entry {entry.FullName} declares {entry.Length} bytes, more than the whole file's {context.FileLength}");
        var buffer = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw context.Corrupt($"the zip entry {entry.FullName} cannot be read (truncated?): {e.Message}");
        }
        return buffer;
    }
}
