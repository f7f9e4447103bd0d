namespace StyleGan.Metrics;

/// <summary>What a metric measures (the files of NVIDIA's metrics/ folder).</summary>
public enum MetricKind
{
    /// <summary>Fréchet distance of the feature distributions (frechet_inception_distance.py).</summary>
    Fid,

    /// <summary>Kernel distance, the unbiased cubic-kernel MMD over subsets (kernel_inception_distance.py).</summary>
    Kid,

    /// <summary>Improved precision and recall by k-nearest-neighbour manifolds (precision_recall.py).</summary>
    PrecisionRecall,

    /// <summary>exp E KL(p(y|x) || p(y)) over splits (inception_score.py).</summary>
    InceptionScore,

    /// <summary>Perceptual path length, LPIPS of small steps along latent interpolations (perceptual_path_length.py).</summary>
    PathLength,

    /// <summary>CLIP maximum mean discrepancy with a Gaussian kernel (Jayasumana et al. 2024).</summary>
    Cmmd,

    /// <summary>PSNR between the image of a transformed StyleGAN3 input and the transformed image (equivariance.py).</summary>
    Equivariance,

    /// <summary>How many classes a classifier finds among the images, each with a share of at least 3% (ours: a collapse detector).</summary>
    ClassCoverage,
}
