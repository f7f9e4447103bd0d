using StyleGan.Runtime;

namespace StyleGan.Cli;

/// <summary>Turns the errors a user can fix (bad input, missing files, no libtorch) into one line on stderr and exit code 1.</summary>
public static class CliErrors
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"stylegan: error: {e.Message}");
            return 1;
        }
    }

    static bool IsUserError(Exception e) => e is TorchUnavailableException or ArgumentException or InvalidDataException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or InvalidOperationException;
}
