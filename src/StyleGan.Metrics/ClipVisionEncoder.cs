using StyleGan.Formats;
using StyleGan.Metrics.Clip;
using StyleGan.Ops;
using StyleGan.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StyleGan.Metrics;

/// <summary>
/// The image tower of OpenAI's CLIP ViT as Hugging Face's <c>CLIPVisionModelWithProjection</c> computes it, with
/// CMMD's preprocessing (Jayasumana et al. 2024, "Rethinking FID"; google-research/cmmd): the embeddings CMMD compares.
/// Images in [0, 1] are resized to the model's size (bicubic), normalized by CLIP's mean and deviation, cut into
/// patches, and run through a pre-norm transformer (quick_gelu, LayerNorm eps 1e-5, heads of 64 channels); the class
/// token, layer-normed and projected, is divided by its length. Module names are Hugging Face's
/// (<c>vision_model.embeddings.patch_embedding.weight</c>, ..., <c>vision_model.pre_layrnorm.weight</c> in its spelling,
/// <c>vision_model.encoder.layers.{i}.self_attn.q_proj.weight</c>, ..., <c>visual_projection.weight</c>); the weights
/// are frozen.
/// </summary>
public sealed class ClipVisionEncoder : nn.Module, IFeatureNetwork
{
    /// <summary>
    /// Hugging Face's model.safetensors of openai/clip-vit-large-patch14-336, the model CMMD names (the whole CLIP
    /// model; the text tower in it is skipped). Hugging Face publishes no digest in the name.
    /// </summary>
    public static PublishedFile Published { get; } = new("clip-vit-large-patch14-336.safetensors",
        "https://huggingface.co/openai/clip-vit-large-patch14-336/resolve/main/model.safetensors");

    /// <summary>The setting that names the weights file (see InvalidValueException.Name).</summary>
    public const string WeightsSetting = "ClipFile";

    /// <summary>The LayerNorms' epsilon: <c>layer_norm_eps</c> of Hugging Face's configs, PyTorch's default in OpenAI's code.</summary>
    public const double LayerNormEpsilon = 1e-5;

    // CLIPImageProcessor's image_mean and image_std for OpenAI's models, in float32 as it applies them.
    static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    static readonly float[] Deviation = [0.26862954f, 0.26130258f, 0.27577711f];

    const string Vision = "vision_model.";
    const string Projection = "visual_projection.weight";
    const string PatchWeight = Vision + "embeddings.patch_embedding.weight";
    const string PositionWeight = Vision + "embeddings.position_embedding.weight";
    const string LayerPrefix = Vision + "encoder.layers.";

    readonly ClipEmbeddings embeddings;
    readonly LayerNorm pre_layrnorm, post_layernorm;
    readonly ClipEncoderLayer[] layers;
    readonly Linear visual_projection;

    /// <param name="patchSize">The side of a patch in pixels (14 for ViT-L/14).</param>
    /// <param name="imageSize">The side of the square images the model sees (336), a multiple of the patch size.</param>
    /// <param name="width">The size of a token (1024), a multiple of 64: one head per 64 channels.</param>
    /// <param name="layerCount">The transformer's blocks (24).</param>
    /// <param name="mlpWidth">The hidden width of each block's MLP (4096).</param>
    /// <param name="projectionWidth">The size of an embedding (768).</param>
    public ClipVisionEncoder(long patchSize, long imageSize, long width, long layerCount, long mlpWidth, long projectionWidth)
        : base(nameof(ClipVisionEncoder))
    {
        if (patchSize < 1 || imageSize < patchSize || imageSize % patchSize != 0)
            throw new ArgumentException($"The image size {imageSize} must be a positive multiple of the patch size {patchSize}.", nameof(imageSize));
        ConvolutionCheck.Ensure();
        ImageSize = imageSize;
        FeatureCount = projectionWidth;
        embeddings = new ClipEmbeddings(patchSize, imageSize / patchSize, width);
        pre_layrnorm = nn.LayerNorm(width, eps: LayerNormEpsilon);
        layers = Enumerable.Range(0, checked((int)layerCount)).Select(_ => new ClipEncoderLayer(width, mlpWidth)).ToArray();
        post_layernorm = nn.LayerNorm(width, eps: LayerNormEpsilon);
        register_module("vision_model", new ModuleDict<nn.Module>
        {
            ("embeddings", embeddings),
            ("pre_layrnorm", pre_layrnorm),
            ("encoder", new ModuleDict<nn.Module> { ("layers", new ModuleList<ClipEncoderLayer>(layers)) }),
            ("post_layernorm", post_layernorm),
        });
        register_module("visual_projection", visual_projection = nn.Linear(width, projectionWidth, hasBias: false));
        foreach (var parameter in parameters()) parameter.requires_grad = false;
        eval();
    }

    /// <summary>The side of the images the model sees; every image is resized to it.</summary>
    public long ImageSize { get; }

    /// <summary>The size of an embedding: 768 for ViT-L/14.</summary>
    public long FeatureCount { get; }

    public string Name => "CLIP ViT (Hugging Face layout)";

    public string? WeightsDigest { get; private set; }

    /// <summary>
    /// Reads Hugging Face's <c>model.safetensors</c> of openai/clip-vit-large-patch14-336, or a file of its layout
    /// with other sizes: the patch size, image size (patch × √(positions − 1)), width, layer count, MLP width and
    /// embedding size are read from the shapes, the head count is width / 64. Only the image tower's tensors are
    /// read; the text tower's (<c>text_model.*</c>, <c>text_projection.weight</c>, <c>logit_scale</c>) and the
    /// <c>position_ids</c> buffer are skipped unread, so a <c>CLIPVisionModelWithProjection</c> file is read too. A
    /// file of another layout is refused naming the file and the entry; a published file that cannot be found is
    /// refused with <see cref="InvalidValueException"/> (<see cref="WeightsSetting"/>), saying where to get it and
    /// where to put it.
    /// </summary>
    /// <param name="path">The file; null: <see cref="Published"/>'s name in the cache folder.</param>
    /// <param name="device">Where to compute; null: the CPU.</param>
    public static ClipVisionEncoder Load(string? path = null, Device? device = null)
    {
        var file = Published.Locate(path, WeightsSetting, "the CLIP ViT-L/14 336px weights of Hugging Face (for CMMD)");
        ClipVisionEncoder network;
        // Hugging Face's files carry no checksum (Open checks one only where the metadata has it); the whole file is
        // hashed below for WeightsDigest anyway.
        using (var reader = SafetensorsReader.Open(file, verifyChecksum: false)) network = FromFile(reader);
        network.WeightsDigest = Files.FileDigest.Sha256(file, Published.Name);
        if (device is not null) network.to(device);
        return network;
    }

    static ClipVisionEncoder FromFile(SafetensorsReader reader)
    {
        var entries = reader.Entries;
        var vision = entries.Keys.Where(name => !IsSkipped(name)).ToList();
        long[] Shape(string name, int rank) =>
            !entries.TryGetValue(name, out var entry) ? throw NotTheLayout(reader.Path, [name], vision.Where(key => !IsVision(key)).ToList())
            : entry.Shape.Length == rank ? entry.Shape
            : throw new InvalidDataException($"{reader.Path}: '{name}' has shape [{string.Join(", ", entry.Shape)}], not the {rank} dimensions of CLIP's.");
        var patch = Shape(PatchWeight, 4);
        var positions = Shape(PositionWeight, 2);
        var mlp = Shape(LayerPrefix + "0.mlp.fc1.weight", 2);
        var projection = Shape(Projection, 2);
        long grid = (long)Math.Round(Math.Sqrt(positions[0] - 1));
        if (patch[1] != 3 || patch[2] != patch[3] || grid < 1 || grid * grid != positions[0] - 1)
            throw new InvalidDataException($"{reader.Path}: '{PatchWeight}' [{string.Join(", ", patch)}] and '{PositionWeight}' [{string.Join(", ", positions)}] " +
                "are not square RGB patches and one position per patch of a square grid plus the class token.");
        long layerCount = 0;
        while (entries.ContainsKey($"{LayerPrefix}{layerCount}.layer_norm1.weight")) layerCount++;

        // The names depend on the layer count alone, so a small network has them all, and a file of another layout is
        // refused before anything of its size is allocated.
        List<string> names;
        using (var layout = new ClipVisionEncoder(1, 1, ClipAttention.HeadWidth, layerCount, 1, 1)) names = [.. layout.state_dict().Keys];
        var known = names.ToHashSet();
        var missing = names.Where(name => !entries.ContainsKey(name)).ToList();
        var unexpected = vision.Where(name => !known.Contains(name)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0) throw NotTheLayout(reader.Path, missing, unexpected);

        var network = new ClipVisionEncoder(patch[2], grid * patch[2], patch[0], layerCount, mlp[0], projection[0]);
        try
        {
            StateDict.Load(network, names, reader.ReadInto, prefix: "", strict: true, origin: reader.Path);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    // The text tower and its projection, the contrastive temperature, and the index buffer older transformers saved.
    static bool IsSkipped(string name) =>
        name.StartsWith("text_model.", StringComparison.Ordinal) || name is "text_projection.weight" or "logit_scale" or Vision + "embeddings.position_ids";

    static bool IsVision(string name) => name.StartsWith(Vision, StringComparison.Ordinal) || name == Projection;

    static InvalidDataException NotTheLayout(string path, List<string> missing, List<string> unexpected) =>
        new($"{path} is not Hugging Face's CLIP model with an image tower (model.safetensors of openai/clip-vit-large-patch14-336: " +
            $"{PatchWeight}, ..., {Projection}): missing [{Some(missing)}], unexpected [{Some(unexpected)}].");

    static string Some(List<string> keys) =>
        string.Join(", ", keys.Take(5).Select(key => $"'{key}'")) + (keys.Count > 5 ? $", ... ({keys.Count} in all)" : "");

    /// <summary>
    /// The embeddings of images as files hold them, read as CMMD's folder reader reads files (io_util.py): the central
    /// square, resized to <see cref="ImageSize"/> by Pillow's bicubic (<see cref="Images.PilResize"/>, exactly), then
    /// <see cref="forward"/>, whose own resize then changes nothing.
    /// </summary>
    public (Tensor Features, Tensor? Logits) Extract(Tensor images) =>
        (Intermediates.Keep(() => forward(Images.PixelRange.UnitFromUint8(Images.PilResize.CenterCropSquare(images, (int)ImageSize)))), null);

    /// <summary>The unit-length embeddings [N, <see cref="FeatureCount"/>] of images, float32.</summary>
    /// <param name="images">Images [N, 3, H, W] in [0, 1] of any size, or [N, 1, H, W] gray ones (see
    /// <see cref="Preprocess"/>); float32 or float64.</param>
    public Tensor forward(Tensor images) => Intermediates.Keep(() =>
    {
        var x = pre_layrnorm.forward(embeddings.forward(Preprocess(images)));
        foreach (var layer in layers) x = layer.forward(x);
        var embedding = visual_projection.forward(post_layernorm.forward(x.select(1, 0)));
        return embedding / embedding.norm(-1, keepdim: true);
    });

    /// <summary>
    /// CMMD's input steps (cmmd/embedding.py): <c>torch.nn.functional.interpolate(images, size=(S, S),
    /// mode="bicubic")</c> to the model's size S (no antialiasing, no crop, also for images already S × S, where it
    /// changes nothing), then CLIPImageProcessor's normalization alone (<c>do_normalize=True</c>, no resize, crop
    /// or rescale): (x − mean) / std per channel, in float32, as CMMD computes. A gray image's one channel is
    /// repeated into three, as CMMD's reader does with gray files (io_util's <c>np.tile</c>). CMMD's reader of image
    /// folders (io_util's <c>_read_image</c>) first crops each file to its central square and resizes it to S with
    /// PIL's antialiased bicubic, rounded to uint8, which leaves this resize nothing to do; that step is not taken
    /// here, so images of another size than S, or not square, embed as CMMD's <c>embed</c> embeds them, not as its
    /// folder reader does.
    /// </summary>
    /// <param name="images">Images [N, 3 or 1, H, W] in [0, 1]; float32 or float64 (computed in float32).</param>
    /// <returns>[N, 3, S, S], float32.</returns>
    public Tensor Preprocess(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3) || images.shape[2] < 1 || images.shape[3] < 1)
            throw new ArgumentException($"CLIP takes images [N, 3, H, W] or gray ones [N, 1, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"CLIP takes images in [0, 1] as float32 or float64; got {images.dtype} (PixelRange.UnitFromUint8 converts uint8 images).", nameof(images));
        return Intermediates.Keep(() =>
        {
            var resized = nn.functional.interpolate(images.to(float32), [ImageSize, ImageSize], mode: InterpolationMode.Bicubic, align_corners: false);
            return Images.PixelRange.Standardize(Images.PixelRange.Rgb(resized), Mean, Deviation);
        });
    }
}
