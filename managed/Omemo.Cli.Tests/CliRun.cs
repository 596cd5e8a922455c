namespace Omemo.Cli.Tests;

/// <summary>The outcome of one in-process <c>omemo</c> invocation.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>Runs <c>omemo ARGS</c> in process with captured output; <paramref name="input"/> is piped into standard input (null: a terminal).</summary>
    public static async Task<CliRun> WithInputAsync(string? input, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        int exitCode = await OmemoCli.RunAsync(args, CliConsole.Captured(output, error, input));
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>omemo ARGS</c> without standard input.</summary>
    public static Task<CliRun> InvokeAsync(params string[] args) => WithInputAsync(null, args);

    /// <summary>The standard output lines.</summary>
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Asserts success (exit code 0) and returns the run.</summary>
    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Error}");
        return this;
    }

    /// <summary>Asserts a failure reported as exactly <c>error: MESSAGE</c> on standard error, nothing on standard output, no stack trace.</summary>
    public void FailedWith(string message)
    {
        Assert.Equal(1, ExitCode);
        Assert.Equal($"error: {message}\n", Error);
        Assert.Equal("", Out);
    }

    /// <summary>Like <see cref="FailedWith"/>, for an engine message of which only the start is pinned.</summary>
    public void FailedStartingWith(string messageStart)
    {
        Assert.Equal(1, ExitCode);
        string line = Assert.Single(Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {messageStart}", line);
        Assert.Equal("", Out);
    }
}
