using System.Diagnostics;
using System.Globalization;
using StyleGan.Files;

namespace StyleGan.Images;

/// <summary>
/// H.264 MP4 (yuv420p) through the ffmpeg program: each frame's raw pixels go to its standard input as they come,
/// so a video of any length is made holding one frame. ffmpeg writes the temporary file of an atomic write.
/// </summary>
static class Mp4Video
{
    // ffmpeg's last lines on stderr, quoted when it fails; at -loglevel error they are its error messages.
    const int ErrorLines = 10;

    /// <summary>The ffmpeg executable on PATH, or a FileNotFoundException saying how to get one.</summary>
    /// <param name="path">The video to be written, for the message.</param>
    public static string FindFfmpeg(string path)
    {
        string name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & Executable) != 0)) return candidate;
        }
        throw new FileNotFoundException($"{path}: writing MP4 needs the ffmpeg program, which is not on PATH. Install it " +
            "(apt-get install ffmpeg on Debian/Ubuntu, brew install ffmpeg on macOS, winget install ffmpeg on Windows), " +
            "or write a .gif or .webp animation, which needs no ffmpeg.", name);
    }

    const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Encodes the frames as an MP4 video, atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="frames">The frames, at least one, all of one size.</param>
    /// <param name="framesPerSecond">Frames shown per second.</param>
    public static void Write(string path, IEnumerable<AnimationFrame> frames, double framesPerSecond)
    {
        string ffmpeg = FindFfmpeg(path);
        using var source = frames.GetEnumerator();
        // The first frame gives the size ffmpeg is told before it reads any pixels.
        if (!source.MoveNext()) throw new ArgumentException("An MP4 video needs at least one frame.", nameof(frames));
        var first = source.Current;
        AtomicFile.WriteThroughPath(path, temporary =>
        {
            var errors = new Queue<string>();
            using var process = Start(ffmpeg, Arguments(first, framesPerSecond, temporary), errors);
            int sent = 0;
            bool delivered;
            try
            {
                var input = process.StandardInput;
                for (var frame = first; ; frame = source.Current)
                {
                    delivered = Deliver(() => input.BaseStream.Write(frame.Pixels));
                    if (!delivered) break;
                    sent++;
                    if (!source.MoveNext()) break;
                }
                delivered = delivered && Deliver(input.Close);
                process.WaitForExit();
            }
            finally
            {
                // A frame that throws ends the video unfinished: ffmpeg must not go on writing the temporary file.
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit();
                }
            }
            string said;
            lock (errors) said = string.Join(" | ", errors);
            if (process.ExitCode != 0)
                throw new IOException($"ffmpeg could not write {path} (exit code {process.ExitCode}): {(said.Length > 0 ? said : "it gave no reason")}.");
            if (!delivered)
                throw new IOException($"ffmpeg stopped reading after frame {sent} of {path} and exited without an error{(said.Length > 0 ? $": {said}" : "")}.");
        });
    }

    // Writes to ffmpeg's input; false when ffmpeg no longer reads (a broken pipe), which its exit code and stderr
    // then explain.
    static bool Deliver(Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    static Process Start(string ffmpeg, IEnumerable<string> arguments, Queue<string> errors)
    {
        var info = new ProcessStartInfo(ffmpeg, arguments) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not { Length: > 0 } text) return;
            lock (errors)
            {
                errors.Enqueue(text);
                if (errors.Count > ErrorLines) errors.Dequeue();
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        return process;
    }

    static IEnumerable<string> Arguments(AnimationFrame first, double framesPerSecond, string output) =>
    [
        "-hide_banner", "-nostats", "-loglevel", "error",
        "-f", "rawvideo", "-pixel_format", first.Channels == 3 ? "rgb24" : "gray",
        "-video_size", $"{first.Width}x{first.Height}", "-framerate", framesPerSecond.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
        // yuv420p, which every player decodes, halves the colour resolution, so both sides must be even: an odd one
        // gets one black row or column.
        "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p",
        // CRF 18 is x264's "visually lossless"; faststart puts the index first, so a browser plays while loading.
        "-c:v", "libx264", "-crf", "18", "-movflags", "+faststart",
        // The temporary file's name has no extension to tell the format by.
        "-f", "mp4", "-y", output,
    ];
}
