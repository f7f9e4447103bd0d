using System.Diagnostics;
using System.Text.Json;

namespace StyleGan.Bench;

/// <summary>
/// NVIDIA's side of a comparison, measured in the same bench run on the same machine: bench/official/measure_official.py
/// in a child process, on Debian's PyTorch (python3-torch) and, for the networks, NVIDIA's stylegan2-ada-pytorch
/// sources (see bench/official/README.md). Where no Python with torch is installed, the bench says so and leaves the
/// column out rather than quoting an old figure.
/// </summary>
public static class OfficialBaseline
{
    const string Python = "/usr/bin/python3"; // Debian's, where python3-torch installs; a pyenv shim on PATH may lack torch
    static readonly string Script = Path.Combine("bench", "official", "measure_official.py");

    /// <summary>Why the baseline cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists(Python)) return $"no {Python}";
        if (!File.Exists(Script)) return $"no {Script} (run the bench from the repository root)";
        var probe = Run(["-c", "import torch"], out string error);
        return probe == 0 ? null : $"{Python} has no torch (apt-get install python3-torch): {error.Trim().Split('\n').Last()}";
    }

    /// <summary>
    /// One measurement of measure_official.py (a child subcommand such as <c>_convolutions</c> or <c>_train small64</c>)
    /// with libtorch's thread count, parsed from its RESULT line.
    /// </summary>
    /// <param name="threads">torch.set_num_threads in the child, as the C# side's.</param>
    /// <param name="arguments">The subcommand and its arguments.</param>
    public static JsonElement Measure(int threads, params string[] arguments) => Result(Script, ["--threads", threads.ToString(), .. arguments]);

    /// <summary>The RESULT line of a measuring script run by Debian's Python (this one, or measure_stylegan3.py).</summary>
    /// <param name="script">The script, relative to the repository root.</param>
    /// <param name="arguments">Its arguments.</param>
    public static JsonElement Result(string script, IReadOnlyList<string> arguments)
    {
        int exit = Run([script, .. arguments], out string output);
        var result = output.Split('\n').FirstOrDefault(line => line.StartsWith("RESULT ", StringComparison.Ordinal));
        if (exit != 0 || result is null)
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed (exit {exit}):{Environment.NewLine}{output}");
        return JsonDocument.Parse(result["RESULT ".Length..]).RootElement.Clone();
    }

    static int Run(IEnumerable<string> arguments, out string output)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        return process.ExitCode;
    }
}
