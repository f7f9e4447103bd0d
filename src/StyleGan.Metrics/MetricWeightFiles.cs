namespace StyleGan.Metrics;

/// <summary>The weight files of the networks metrics compare in; a null path is looked for in the cache folder under its published name.</summary>
/// <param name="Inception">pytorch-fid's Inception-v3 (<see cref="InceptionV3.Published"/>).</param>
/// <param name="Vgg16">torchvision's VGG16 (<see cref="Vgg16Features.Published"/>), for precision/recall and LPIPS.</param>
/// <param name="Clip">Hugging Face's CLIP ViT-L/14-336 safetensors, for CMMD.</param>
/// <param name="LpipsLinear">lpips' learned weights (the tool bundles data/lpips-vgg-v0.1.pth); required for path length.</param>
/// <param name="Classifier">The MNIST classifier (the tool bundles data/mnist-classifier.safetensors); required for the *_mnist metrics.</param>
public sealed record MetricWeightFiles(string? Inception = null, string? Vgg16 = null, string? Clip = null, string? LpipsLinear = null, string? Classifier = null);
