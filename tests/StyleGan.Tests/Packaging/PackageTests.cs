using System.Diagnostics;
using System.Reflection;
using System.Security;
using System.Text.RegularExpressions;
using StyleGan.Runtime;
using StyleGan.Tests.Cli;
using StyleGan.Tests.Serve;
using TorchSharp;

namespace StyleGan.Tests.Packaging;

/// <summary>
/// The two packages as a user meets them on a fresh machine: packed from this repository with `dotnet pack -c
/// Release`, the library referenced from the packages' folder by a new console project that runs the README's
/// example, and the tool installed from that folder and run from a folder outside the repository. Everything lives
/// in a temporary folder (about 6 GB while it runs: a Release build, the console project's build, the installed tool).
/// </summary>
public sealed partial class PackageTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), $"stylegan-packages-{Guid.NewGuid():N}");

    public PackageTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, recursive: true); // the package links below are removed, not followed

    static readonly Dictionary<string, string> Unchanged = new();

    /// <summary>nuget.org's largest package: 250 MB.</summary>
    const long NuGetOrgLimit = 250L * 1024 * 1024;

    /// <summary>The platforms the tool is packed for, as ToolPackageRuntimeIdentifiers lists them, in the feed's order.</summary>
    static readonly string[] ToolPlatforms = ["linux-x64", "osx-arm64", "win-x64"];

    /// <summary>The library packages, one per assembly, in the feed's order.</summary>
    static readonly string[] Libraries = ["Core", "Formats", "Metrics"];

    string In(params string[] parts) => Path.Combine([root, .. parts]);

    [Fact]
    [Trait("Category", "Long")]
    public async Task TheLibraryAndTheToolRunFromTheirPackagesOutsideTheRepository()
    {
        string feed = In("feed");
        Dotnet(ReferenceData.RepositoryRoot.FullName, Unchanged, "pack", "-c", "Release", "--artifacts-path", In("build"), $"-p:PackageOutputPath={feed}/");
        var packages = Directory.GetFiles(feed).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray();
        var core = PackageName().Match(packages[0]);
        Assert.True(core.Success && core.Groups[1].Value == "Core", $"not the library's package: {packages[0]}");
        string version = core.Groups[2].Value;
        // The libraries, one per assembly a user may want alone; the tool: a pointer package and one package per
        // platform, each with its own libtorch only.
        Assert.Equal([.. Libraries.Select(library => $"StyleGan.{library}.{version}.nupkg"), $"StyleGan.Tool.{version}.nupkg",
            .. ToolPlatforms.Select(rid => $"StyleGan.Tool.{rid}.{version}.nupkg")], packages);
        foreach (var package in packages)
            Assert.True(new FileInfo(Path.Combine(feed, package)).Length <= NuGetOrgLimit, $"{package} is larger than nuget.org's {NuGetOrgLimit} bytes.");

        string network = In("stylegan2-ada-uncond-tiny.pkl");
        File.Copy(ReferenceData.Fixture("mixing/stylegan2-ada-uncond-tiny.pkl"), network);
        var offTheMachinesCache = new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder() };

        // The library: a new console project whose NuGet.config takes StyleGan.* from the feed alone.
        Dotnet(root, Unchanged, "new", "console", "-o", In("app"));
        File.WriteAllText(In("app", "NuGet.config"), NuGetConfig(feed));
        Dotnet(In("app"), offTheMachinesCache, "add", "package", "StyleGan.Core", "--version", version);
        Dotnet(In("app"), offTheMachinesCache, "add", "package", "TorchSharp-cpu", "--version", TorchSharpVersion());
        File.WriteAllText(In("app", "Program.cs"), ReadmeBlock.In("## Use as a library", "csharp"));
        Dotnet(In("app"), offTheMachinesCache, "run", "--", network, In("library.png"));
        foreach (var library in new[] { "core", "formats" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(feed, $"StyleGan.{char.ToUpperInvariant(library[0])}{library[1..]}.{version}.nupkg")),
                File.ReadAllBytes(In("packages", $"stylegan.{library}", version, $"stylegan.{library}.{version}.nupkg")));

        // The tool, as the README installs it, run from a folder that no NuGet.config or repository is above.
        string elsewhere = In("elsewhere");
        Directory.CreateDirectory(elsewhere);
        Dotnet(elsewhere, offTheMachinesCache, "tool", "install", "StyleGan.Tool", "--version", version, "--tool-path", In("tools"), "--add-source", feed);
        string stylegan = In("tools", "stylegan");

        string info = Run(stylegan, elsewhere, Unchanged, "info");
        Assert.Matches($@"stylegan\s+│\s+{Regex.Escape(version)}\s", info);
        // This process runs on the same machine, so it tells whether the tool needs the weak copy; the table may
        // wrap its cells between words.
        TorchRuntime.EnsureLoaded();
        if (LibTorchSharpFallback.Loaded is null) Assert.Contains("as shipped", info);
        else Assert.True(info.Contains("GLIBCXX_3.4.32") && info.Contains("weak"), $"the installed tool did not load the weak copy of libLibTorchSharp.so:\n{info}");

        Run(stylegan, elsewhere, Unchanged, "generate", "--network", network, "--seeds", "0-7", "--trunc", "0.7", "--grid", "--outdir", "out");
        Assert.Equal(File.ReadAllBytes(In("library.png")), File.ReadAllBytes(Path.Combine(elsewhere, "out", "grid.png")));

        // Its bundled data is found beside it: the default dataset of `augment`, and the classifier of the metrics.
        string augmented = Run(stylegan, elsewhere, Unchanged, "augment", "--num", "2", "--draws", "1", "--out", "augment.png");
        var bundled = Path.Combine(Path.GetDirectoryName(Directory.GetFiles(In("tools", ".store"), "stylegan.dll", SearchOption.AllDirectories).Single())!, "data");
        Assert.Contains($"2 images of {Path.Combine(bundled, "mnist32.zip")}", augmented);
        Assert.True(File.Exists(Path.Combine(bundled, "mnist-classifier.safetensors")), $"no classifier in {bundled}");

        // The explorer page comes from inside the installed tool, and its image is generate's.
        using var server = await ServerProcess.Start(stylegan, ["serve", "--network", network, "--port", "0"], elsewhere);
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) })
        {
            Assert.Contains("StyleGAN explorer", await http.GetStringAsync($"{server.Url}/"));
            Run(stylegan, elsewhere, Unchanged, "generate", "--network", network, "--seeds", "5", "--trunc", "0.7", "--outdir", "served");
            Assert.Equal(File.ReadAllBytes(Path.Combine(elsewhere, "served", "seed0005.png")),
                await http.GetByteArrayAsync($"{server.Url}/api/render?seed=5&psi=0.7"));
        }
        var (code, said) = await server.Interrupt();
        Assert.True(code == 0, said);
    }

    /// <summary>
    /// A global packages folder of the test's own, so that our packages are extracted from the feed and from nowhere
    /// else; every other package links to the machine's copy, so that libtorch is not downloaded again.
    /// </summary>
    string PackagesFolder()
    {
        string folder = In("packages");
        Directory.CreateDirectory(folder);
        string machines = Dotnet(root, Unchanged, "nuget", "locals", "global-packages", "--list").Split(": ", 2)[1].Trim();
        foreach (var package in Directory.Exists(machines) ? Directory.GetDirectories(machines) : [])
            if (!Path.GetFileName(package).StartsWith("stylegan.", StringComparison.Ordinal))
                Directory.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(package)), package);
        return folder;
    }

    /// <summary>The feed for StyleGan.* and the machine's enabled sources for everything else (its mirror, here).</summary>
    string NuGetConfig(string feed)
    {
        var sources = Dotnet(root, Unchanged, "nuget", "list", "source", "--format", "short").Split('\n').Select(line => line.Trim())
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal)).Select(line => line[2..].Trim()).ToList();
        Assert.NotEmpty(sources);
        static string Attribute(string value) => SecurityElement.Escape(value);
        var added = sources.Select((url, i) => $"    <add key=\"machine{i}\" value=\"{Attribute(url)}\" />");
        var mapped = sources.Select((_, i) => $"    <packageSource key=\"machine{i}\"><package pattern=\"*\" /></packageSource>");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="stylegan" value="{Attribute(feed)}" />
            {string.Join('\n', added)}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="stylegan"><package pattern="StyleGan.*" /></packageSource>
            {string.Join('\n', mapped)}
              </packageSourceMapping>
            </configuration>
            """;
    }

    static string TorchSharpVersion() =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    static string Dotnet(string folder, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run(CliHarness.Dotnet, folder, environment, args);

    /// <summary>Runs a program to its end (10 minutes at most) and returns what it wrote; fails the test, with that, when it does not exit 0.</summary>
    static string Run(string program, string folder, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not end in 10 minutes.");
        }
        string said = output.Result + error.Result;
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} (in {folder}) exited {process.ExitCode}:\n{said}");
        return said;
    }

    [GeneratedRegex(@"^StyleGan\.(Core|Tool)\.([0-9][0-9A-Za-z.+-]*)\.nupkg$")]
    private static partial Regex PackageName();
}
