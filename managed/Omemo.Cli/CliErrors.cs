using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Sessions;

namespace Omemo.Cli;

/// <summary>
/// Turns expected failures (bad input, bad keys, protocol and storage errors, I/O) into one line
/// <c>error: message</c> on standard error and exit code 1, never a stack trace.
/// </summary>
internal static class CliErrors
{
    /// <summary>Exit code of a handled failure.</summary>
    internal const int Failure = 1;

    /// <summary>Exit code of an unexpected exception (a bug), still reported on one line.</summary>
    internal const int InternalFailure = 2;

    /// <summary>Runs a synchronous command action.</summary>
    internal static int Run(CliConsole console, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            return Report(console, message);
        }
    }

    /// <summary>Runs an asynchronous command action.</summary>
    internal static async Task<int> RunAsync(CliConsole console, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            return Report(console, message);
        }
    }

    /// <summary>Writes <c>error: message</c> and returns <see cref="Failure"/>.</summary>
    internal static int Report(CliConsole console, string message)
    {
        console.Error.WriteLine($"error: {OneLine(message)}");
        return Failure;
    }

    /// <summary>The one-line message for an expected failure, or null for anything else (a bug).</summary>
    internal static string? Describe(Exception e) => e switch
    {
        NoRecipientDevicesException n when n.Failures.Count > 0 =>
            $"{n.Message} {string.Join("; ", n.Failures.Select(DescribeFailure))}",
        OmemoException or CliException or IOException or UnauthorizedAccessException or FormatException
            or ArgumentException or CryptographicException => e.Message,
        _ => null,
    };

    /// <summary>One device an encryption left out, as <c>jid/device: reason (message)</c>.</summary>
    internal static string DescribeFailure(DeviceFailure failure) =>
        $"{failure.Device.Jid}/{failure.Device.DeviceId}: {failure.Reason} ({failure.Message})";

    /// <summary>Folds line breaks so the message stays one line.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
