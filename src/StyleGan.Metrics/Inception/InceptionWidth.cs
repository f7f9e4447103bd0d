namespace StyleGan.Metrics.Inception;

/// <summary>
/// The output channels of one of <see cref="InceptionV3"/>'s convolutions, asked for as the network is built: the
/// published width (<c>(name, published) =&gt; published</c>), or the width a state-dict file's
/// <c>{name}.conv.weight</c> has (<see cref="InceptionV3.Load"/>), so that narrow test networks of the same layout load
/// too. Input channels follow from the outputs that feed them.
/// </summary>
/// <param name="name">The convolution's state-dict prefix, e.g. <c>Conv2d_1a_3x3</c> or <c>Mixed_5b.branch1x1</c>.</param>
/// <param name="published">Its width in pytorch-fid's network (torchvision's constant).</param>
public delegate long InceptionWidth(string name, long published);
