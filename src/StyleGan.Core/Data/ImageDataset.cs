using StyleGan.Configs;
using System.Numerics;
using System.Text;
using SkiaSharp;
using StyleGan.Images;
using static TorchSharp.torch;

namespace StyleGan.Data;

/// <summary>
/// Training images from a folder (recursively) or a zip: square, power-of-two, all one size. Open reads only the
/// headers, so that a bad file is named before training starts; pixels are decoded per batch, so memory stays flat
/// however large the set. Labels come from an optional dataset.json at the root, as in StyleGAN2-ADA.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    readonly ImageSource source;
    readonly IReadOnlyList<string> files;
    readonly DatasetLabels? labels;

    ImageDataset(ImageSource source, IReadOnlyList<string> files, ImageHeader size, int channels, DatasetLabels? labels, IReadOnlyList<(string, string)> skipped)
    {
        this.source = source;
        this.files = files;
        this.labels = labels;
        Resolution = size.Width;
        Channels = channels;
        Skipped = skipped;
    }

    /// <summary>Opens a dataset, validating every image's header (and its label, when the set has labels).</summary>
    /// <param name="path">A folder of images (searched recursively) or a .zip of them.</param>
    /// <param name="skipBad">Leave out unreadable images, images of a minority size and unlabelled images, recording each in Skipped.</param>
    /// <param name="useLabels">Read dataset.json when there is one; false trains unconditionally.</param>
    public static ImageDataset Open(string path, bool skipBad = false, bool useLabels = true)
    {
        var source = ImageSource.Open(path);
        try
        {
            return Index(source, skipBad, useLabels);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>The folder or zip, as given to Open.</summary>
    public string Path => source.Path;

    /// <summary>Usable images.</summary>
    public int Count => files.Count;

    /// <summary>Width and height of every image: a power of two.</summary>
    public int Resolution { get; }

    /// <summary>1 when every image is grayscale, else 3 (grayscale images are then repeated into RGB; alpha is dropped).</summary>
    public int Channels { get; }

    /// <summary>Dimensions of a label; 0 without labels.</summary>
    public int LabelDim => labels?.Dim ?? 0;

    /// <summary>Files left out, and why: those the folder's walk leaves out always (see ImageSource.Skipped), bad ones with skipBad.</summary>
    public IReadOnlyList<(string File, string Reason)> Skipped { get; }

    /// <summary>Relative path of one image, as listed in dataset.json.</summary>
    public string FileName(int index) => files[index];

    /// <summary>
    /// SHA-256 over every image's name and bytes, in order: the same for the same images, from a folder or a zip,
    /// and different as soon as one image, name or the selection changes (what caches of its statistics are keyed by).
    /// Read once per opened dataset: a run that scores every snapshot reads its images' bytes for it once, not each time.
    /// </summary>
    public string ContentDigest() => contentDigest ??= Digest();

    string? contentDigest;

    string Digest()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var name = System.Text.Encoding.UTF8.GetBytes(file);
            var bytes = source.ReadAllBytes(file);
            hash.AppendData(BitConverter.GetBytes((long)name.Length));
            hash.AppendData(name);
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Decodes images into uint8 [N, C, H, W].</summary>
    public Tensor Images(IReadOnlyList<int> indices)
    {
        int pixels = Resolution * Resolution;
        var batch = new byte[indices.Count * Channels * pixels];
        for (int n = 0; n < indices.Count; n++)
            Decode(files[indices[n]], batch.AsSpan(n * Channels * pixels, Channels * pixels));
        return tensor(batch, [indices.Count, Channels, Resolution, Resolution]);
    }

    /// <summary>Labels as float32 [N, LabelDim] (one-hot for classes), or null when the set has none.</summary>
    public Tensor? Labels(IReadOnlyList<int> indices)
    {
        if (labels is null) return null;
        var batch = new float[indices.Count * labels.Dim];
        for (int n = 0; n < indices.Count; n++) labels.Fill(files[indices[n]], batch.AsSpan(n * labels.Dim, labels.Dim));
        return tensor(batch, [indices.Count, labels.Dim]);
    }

    public void Dispose() => source.Dispose();

    void Decode(string file, Span<byte> chw)
    {
        var name = source.Describe(file);
        using var bitmap = ImageFile.Decode(source.ReadAllBytes(file), Channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul, name);
        if (bitmap.Width != Resolution || bitmap.Height != Resolution)
            throw new InvalidDataException($"{name} is {bitmap.Width}x{bitmap.Height} now but was {Resolution}x{Resolution} when the dataset was opened.");
        var pixels = bitmap.GetPixelSpan();
        if (Channels == 1)
        {
            pixels.CopyTo(chw);
            return;
        }
        int plane = Resolution * Resolution;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                chw[c * plane + i] = pixels[4 * i + c];
    }

    static ImageDataset Index(ImageSource source, bool skipBad, bool useLabels)
    {
        if (source.Images.Count == 0)
            throw new InvalidDataException($"Dataset {source.Path} holds no images (PNG, JPEG, WebP or BMP); point to the folder or zip that has them.");
        var skipped = new List<(string File, string Reason)>(source.Skipped);
        var headers = ImageHeader.ReadAll(source, source.Images, skipBad, skipped).ToList();
        var size = CommonSize(source, headers, skipBad, skipped);
        headers.RemoveAll(entry => entry.Header.Width != size.Width || entry.Header.Height != size.Height);
        if (size.Width != size.Height || !NetworkLimits.IsResolution(size.Width))
            throw new InvalidDataException($"Images in {source.Path} are {size}: training needs square images whose side is a power of two from 4 to {NetworkLimits.MaxResolution}. " +
                "Convert them with the dataset tool (`DatasetTool.Convert`) at a `Resolution` that is a power of two.");

        var labels = useLabels ? ReadLabels(source) : null;
        if (labels is not null)
            foreach (var (file, _) in headers.Where(entry => !labels.Contains(entry.File)).ToArray())
            {
                if (!skipBad)
                    throw new InvalidDataException($"{source.Describe(DatasetLabels.FileName)} has no label for {file}; add one, skip bad images (`SkipBad`), or train without labels (`Conditional`).");
                skipped.Add((file, $"no label in {DatasetLabels.FileName}"));
                headers.RemoveAll(entry => entry.File == file);
            }
        if (headers.Count == 0)
            throw new InvalidDataException($"Dataset {source.Path} has no usable image: all {skipped.Count} were skipped (first: {skipped[0].File}: {skipped[0].Reason}).");
        int channels = headers.All(entry => entry.Header.IsGray) ? 1 : 3;
        return new ImageDataset(source, headers.Select(entry => entry.File).ToArray(), size, channels, labels, skipped);
    }

    // Mixed sizes are an error naming one file of each size; with skipBad the most common size wins and the others are skipped.
    static ImageHeader CommonSize(ImageSource source, List<(string File, ImageHeader Header)> headers, bool skipBad, List<(string File, string Reason)> skipped)
    {
        if (headers.Count == 0)
            throw new InvalidDataException($"Dataset {source.Path} has no readable image: all {skipped.Count} were skipped (first: {skipped[0].File}: {skipped[0].Reason}).");
        var bySize = headers.GroupBy(entry => (entry.Header.Width, entry.Header.Height)).OrderByDescending(group => group.Count()).ToArray();
        var size = bySize[0].First().Header;
        if (bySize.Length == 1) return size;
        if (!skipBad)
        {
            var examples = string.Join(", ", bySize.Select(group => $"{source.Describe(group.First().File)} is {group.First().Header} ({group.Count()} images)"));
            throw new InvalidDataException($"Images in {source.Path} differ in size: {examples}. " +
                $"Resize them with the dataset tool (`DatasetTool.Convert`) at one `Resolution`, or skip bad images (`SkipBad`) to keep only the {size} images.");
        }
        foreach (var group in bySize.Skip(1))
            foreach (var (file, header) in group)
                skipped.Add((file, $"{header} where most images are {size}"));
        return size;
    }

    static DatasetLabels? ReadLabels(ImageSource source) => source.Contains(DatasetLabels.FileName)
        ? DatasetLabels.ParseJson(Encoding.UTF8.GetString(source.ReadAllBytes(DatasetLabels.FileName)), source.Describe(DatasetLabels.FileName))
        : null;
}
