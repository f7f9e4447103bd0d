namespace StyleGan.Metrics;

/// <summary>The network whose features a metric compares.</summary>
public enum FeatureSpace
{
    /// <summary>pytorch-fid's Inception-v3: pool3 features and the 1008-way classifier (<see cref="InceptionV3"/>).</summary>
    Inception,

    /// <summary>The bundled MNIST classifier (<see cref="MnistClassifier"/>): the offline default for the bundled digits.</summary>
    MnistClassifier,

    /// <summary>torchvision's VGG16 up to fc7 (<see cref="Vgg16Embedding"/>), the precision/recall space.</summary>
    Vgg16,

    /// <summary>CLIP ViT-L/14-336's normalized image embeddings (<see cref="ClipVisionEncoder"/>).</summary>
    Clip,

    /// <summary>The images themselves, no network (the equivariance metrics' PSNR).</summary>
    Pixels,

    /// <summary>LPIPS with the VGG16 trunk (<see cref="Lpips"/>), the path-length distance.</summary>
    Lpips,
}
