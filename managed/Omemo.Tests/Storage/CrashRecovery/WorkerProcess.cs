using System.Diagnostics;
using System.Text;
using Omemo.CrashWorker;

namespace Omemo.Tests.Storage.CrashRecovery;

/// <summary>
/// One run of <c>dotnet Omemo.CrashWorker.dll</c> (the dll lands in the test output through the project reference):
/// commands are written on stdin by a background writer, acknowledgements read from stdout, stderr collected.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    /// <summary>The exit code .NET reports for a process ended by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private int _written;

    private WorkerProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>How many commands were completely written to the worker's stdin.</summary>
    public int Written => Volatile.Read(ref _written);

    public static WorkerProcess Start(string storePath, string jid, string pepLogPath)
    {
        string worker = typeof(WorkerAck).Assembly.Location;
        var psi = new ProcessStartInfo(DotnetHost(), [worker, "--store", storePath, "--jid", jid, "--pep-log", pepLogPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            UseShellExecute = false,
        };
        return new WorkerProcess(Process.Start(psi) ?? throw new InvalidOperationException("The worker did not start."));
    }

    /// <summary>The next stdout line, or null at the end of the output.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        await _process.StandardOutput.ReadLineAsync(cancellationToken);

    /// <summary>
    /// Writes <paramref name="commands"/> one by one, then closes stdin; stops quietly when the worker dies. With a
    /// <paramref name="hold"/>, only the first <c>hold.Count</c> commands are written (and stdin stays open) until
    /// <c>hold.Release</c> completes, so that the worker is still busy with them when a kill comes.
    /// </summary>
    public async Task WriteAllAsync(IReadOnlyList<WorkerCommand> commands, (int Count, Task Release)? hold)
    {
        try
        {
            var input = _process.StandardInput;
            for (int i = 0; i < commands.Count; i++)
            {
                if (hold is { } h && i == h.Count) await h.Release;
                await input.WriteLineAsync(commands[i].ToLine());
                await input.FlushAsync();
                Interlocked.Increment(ref _written);
            }
            if (hold is { } last) await last.Release;
            input.Close(); // end of stdin: the worker exits once it has answered everything
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // the pipe broke: the worker was killed
        }
    }

    /// <summary>SIGKILL (on Linux <see cref="Process.Kill()"/> sends SIGKILL); nothing when the worker has already exited.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>Waits for the exit; returns the exit code and everything the worker wrote on stderr.</summary>
    public async Task<(int ExitCode, string Errors)> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return (_process.ExitCode, await _stderr);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>The dotnet host running the tests (DOTNET_HOST_PATH, this process, or dotnet on the PATH).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
