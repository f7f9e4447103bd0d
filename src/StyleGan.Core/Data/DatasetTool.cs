using StyleGan.Configs;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using StyleGan.Files;
using StyleGan.Images;

namespace StyleGan.Data;

/// <summary>
/// Turns a folder or zip of images into a training dataset in StyleGAN2-ADA's layout: square power-of-two PNGs named
/// 00000/img00000000.png, ..., plus dataset.json when labelled. The destination appears whole or not at all.
/// </summary>
public static class DatasetTool
{
    public static DatasetReport Convert(DatasetToolOptions options)
    {
        if (options.Resolution is { } wanted && !NetworkLimits.IsResolution(wanted))
            throw new InvalidValueException(nameof(options.Resolution), $"the resolution {wanted} is not a power of two from 4 to {NetworkLimits.MaxResolution} (e.g. 32, 64, 256).");
        if (options.MaxImages is <= 0) throw new InvalidValueException(nameof(options.MaxImages), $"the number of images {options.MaxImages} must be at least 1.");
        var destination = CheckDestination(options);

        using var source = ImageSource.Open(options.Source);
        if (source.Images.Count == 0)
            throw new InvalidDataException($"{source.Path} holds no images (PNG, JPEG, WebP or BMP); point the `Source` to the folder or zip that has them.");
        var skipped = new List<(string File, string Reason)>(source.Skipped);
        var (files, labels, classes) = Labelled(source, options, skipped);
        var headers = ImageHeader.ReadAll(source, files, options.SkipBad, skipped).Take(options.MaxImages ?? int.MaxValue).ToList();
        if (headers.Count == 0) throw NothingLeft(source, skipped);
        int resolution = options.Resolution ?? KeptResolution(source, headers);
        int channels = options.Channels switch
        {
            ChannelMode.Rgb => 3,
            ChannelMode.Grayscale => 1,
            _ => headers.All(entry => entry.Header.IsGray) ? 1 : 3,
        };

        var writer = new Writer(source, options, resolution, channels, skipped);
        if (destination.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            AtomicFile.Write(destination, stream =>
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
                writer.WriteAll(headers, labels, (name, bytes) =>
                {
                    var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                    // A fixed time, so that converting the same images again gives the same bytes (and no diff for bundled data).
                    entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                    using var stream = entry.Open();
                    stream.Write(bytes);
                });
            });
        else
            WriteFolder(destination, add => writer.WriteAll(headers, labels, add));
        return new DatasetReport(destination, writer.Written, skipped, writer.Cropped, writer.Padded, writer.Resized, resolution, channels,
            writer.LabelDim, classes);
    }

    // The overwrite rule (see OutputRule), and a destination inside a source folder is refused too: a later run
    // would read it back as more images.
    static string CheckDestination(DatasetToolOptions options)
    {
        var rule = new OutputRule(nameof(DatasetToolOptions.Destination), options.Force, options.Source, options.LabelsFile);
        var destination = options.Destination.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
            ? rule.File(options.Destination) : rule.ReplacedFolder(options.Destination);
        if (Directory.Exists(options.Source) && PathIdentity.Contains(options.Source, destination))
            throw new InvalidValueException(nameof(DatasetToolOptions.Destination), $"the destination {destination} is inside the source {options.Source}; write the dataset elsewhere.");
        return destination;
    }

    // Written into a temporary sibling folder, which replaces the destination only once complete.
    static void WriteFolder(string destination, Action<Action<string, byte[]>> write)
    {
        var temporary = AtomicFile.TemporaryPath(destination);
        using var tracked = AtomicFile.Track(temporary);
        try
        {
            write((name, bytes) =>
            {
                AtomicFile.WaitIfEnding();
                var file = Path.Combine(temporary, name);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, bytes);
            });
            if (File.Exists(destination)) File.Delete(destination);
            if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
            Directory.Move(temporary, destination);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
    }

    // The files to convert with their labels; an unlabelled file is an error, or skipped with SkipBad.
    static (List<string> Files, DatasetLabels? Labels, IReadOnlyList<string> Classes) Labelled(ImageSource source, DatasetToolOptions options, List<(string File, string Reason)> skipped)
    {
        var files = source.Images.ToList();
        DatasetLabels? labels;
        IReadOnlyList<string> classes = [];
        switch (options.Labels)
        {
            case LabelSource.None:
                return (files, null, classes);
            case LabelSource.Subfolders:
                classes = files.Where(file => file.Contains('/')).Select(file => file[..file.IndexOf('/')]).Distinct().Order(StringComparer.Ordinal).ToArray();
                var index = classes.Select((name, i) => (name, i)).ToDictionary(pair => pair.name, pair => pair.i);
                labels = DatasetLabels.FromClasses(files.Where(file => file.Contains('/')).ToDictionary(file => file, file => index[file[..file.IndexOf('/')]]));
                break;
            default:
                labels = ReadLabelsFile(options.LabelsFile ?? throw new InvalidValueException(nameof(options.LabelsFile), "labels from a file need the file (`LabelsFile`)."));
                break;
        }
        foreach (var file in files.Where(file => !labels.Contains(file)).ToArray())
        {
            var reason = options.Labels == LabelSource.Subfolders ? "not in a class sub-folder" : $"no label in {options.LabelsFile}";
            if (!options.SkipBad) throw new InvalidDataException($"{source.Describe(file)} has no label ({reason}); label it, or skip bad images (`SkipBad`) to leave it out.");
            skipped.Add((file, reason));
            files.Remove(file);
        }
        return (files, labels, classes);
    }

    static DatasetLabels ReadLabelsFile(string path)
    {
        string text;
        using (var reader = new StreamReader(InputFile.OpenRead(path, "Labels file"))) text = reader.ReadToEnd();
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return DatasetLabels.ParseCsv(text, path);
        return DatasetLabels.ParseJson(text, path) ?? throw new InvalidDataException($"{path} says \"labels\": null; give a file with labels (`LabelsFile`) or none.");
    }

    static int KeptResolution(ImageSource source, List<(string File, ImageHeader Header)> headers)
    {
        var first = headers[0];
        // Sizes only: grayscale and colour images of one size mix (the channels are chosen apart from the size).
        var other = headers.FirstOrDefault(entry => (entry.Header.Width, entry.Header.Height) != (first.Header.Width, first.Header.Height));
        if (other.File is not null)
            throw new InvalidDataException($"Images differ in size ({source.Describe(first.File)} is {first.Header}, {source.Describe(other.File)} is {other.Header}): " +
                "choose the output size (`Resolution`, a power of two).");
        if (first.Header.Width != first.Header.Height || !NetworkLimits.IsResolution(first.Header.Width))
            throw new InvalidDataException($"Images are {first.Header}, not a square power of two from 4 to {NetworkLimits.MaxResolution}: choose the output size (`Resolution`, e.g. 32, 64, 256).");
        return first.Header.Width;
    }

    static InvalidDataException NothingLeft(ImageSource source, List<(string File, string Reason)> skipped) =>
        new($"No image of {source.Path} could be used: all {skipped.Count} were skipped (first: {skipped[0].File}: {skipped[0].Reason}).");

    /// <summary>Squares, resizes and encodes images one at a time, counting what it did.</summary>
    sealed class Writer(ImageSource source, DatasetToolOptions options, int resolution, int channels, List<(string File, string Reason)> skipped)
    {
        public int Written, Cropped, Padded, Resized, LabelDim;

        public void WriteAll(List<(string File, ImageHeader Header)> headers, DatasetLabels? labels, Action<string, byte[]> add)
        {
            var names = new List<(string Name, string From)>();
            foreach (var (file, header) in headers)
            {
                byte[] png;
                try
                {
                    png = Convert(file, header);
                }
                catch (InvalidDataException e) when (options.SkipBad)
                {
                    skipped.Add((file, e.Message));
                    continue;
                }
                var name = $"{Written / 1000:D5}/img{Written:D8}.png";
                add(name, png);
                names.Add((name, file));
                Written++;
            }
            if (Written == 0) throw NothingLeft(source, skipped);
            if (labels is null) return;
            var written = labels.Rename(names);
            add(DatasetLabels.FileName, Encoding.UTF8.GetBytes(written.ToJson()));
            LabelDim = written.Dim;
        }

        byte[] Convert(string file, ImageHeader header)
        {
            using var image = ImageFile.Decode(source.ReadAllBytes(file), SKColorType.Rgba8888, SKAlphaType.Premul, source.Describe(file));
            using var square = Square(image);
            if (channels == 3) return ImageFile.EncodePng(square);
            using var gray = SquareImage.Grayscale(square);
            return ImageFile.EncodePng(gray);
        }

        SKBitmap Square(SKBitmap image)
        {
            int width = image.Width, height = image.Height;
            bool crop = options.Transform == SquareTransform.CenterCrop;
            if (width != height && crop) Cropped++;
            if (width != height && !crop) Padded++;
            if ((crop ? Math.Min(width, height) : Math.Max(width, height)) != resolution) Resized++;
            return SquareImage.Make(image, resolution, options.Transform, options.Background);
        }
    }
}
