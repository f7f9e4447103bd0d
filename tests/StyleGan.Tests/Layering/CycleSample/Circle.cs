// Two namespaces that use each other on purpose: the sample that shows the dependency test sees a circle.
namespace StyleGan.Tests.Layering.CycleSample.Upper
{
    public static class UsesLower
    {
        public static int Depth() => Lower.UsesUpper.Height() + 1;

        public static int Base() => 1;
    }
}

namespace StyleGan.Tests.Layering.CycleSample.Lower
{
    public static class UsesUpper
    {
        public static int Height() => Upper.UsesLower.Base() + 1;
    }
}
