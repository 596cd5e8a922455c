using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Xml;

namespace Omemo.CrashWorker;

/// <summary>Runs <see cref="WorkerCommand"/>s against one <see cref="SessionManager"/>, one at a time.</summary>
/// <param name="manager">The device.</param>
/// <param name="errors">Where refused commands are explained (stderr).</param>
public sealed class CommandRunner(SessionManager manager, TextWriter errors)
{
    /// <summary>Runs <paramref name="command"/>; the engine has committed whatever it wrote when this returns.</summary>
    public async Task<WorkerAck> RunAsync(WorkerCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var clock = Stopwatch.StartNew();
        (AckOutcome Outcome, string Detail, string? Xml) result;
        try
        {
            result = command switch
            {
                EncryptCommand e => await EncryptAsync(e).ConfigureAwait(false),
                DecryptCommand d => await DecryptAsync(d).ConfigureAwait(false),
                _ => throw new ArgumentException("Unknown command.", nameof(command)),
            };
        }
        catch (OmemoException e)
        {
            await errors.WriteLineAsync($"command {command.Seq}: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            result = (AckOutcome.Failed, e.GetType().Name, null);
        }
        return new WorkerAck(command.Seq, result.Outcome, result.Detail, result.Xml, clock.Elapsed);
    }

    private async Task<(AckOutcome, string, string?)> EncryptAsync(EncryptCommand command)
    {
        var result = await manager.EncryptAsync(command.Recipients.ToList(), command.Plaintext).ConfigureAwait(false);
        foreach (var failure in result.Failures)
            await errors.WriteLineAsync($"command {command.Seq}: left out {failure.Device}: {failure.Reason}").ConfigureAwait(false);
        return (AckOutcome.Encrypted, result.Failures.Count.ToString(CultureInfo.InvariantCulture), result.Element.ToXml());
    }

    private async Task<(AckOutcome, string, string?)> DecryptAsync(DecryptCommand command)
    {
        var result = await manager.DecryptAsync(command.SenderJid, EncryptedElement.Parse(command.Xml)).ConfigureAwait(false);
        if (result.IsDuplicate) return (AckOutcome.Duplicate, "-", null);
        string? reply = result.AutomaticReply?.ToXml();
        return result.Plaintext is { } plaintext ? (AckOutcome.Decrypted, Sha256Hex(plaintext), reply) : (AckOutcome.Empty, "-", reply);
    }

    /// <summary>SHA-256 of <paramref name="data"/> as lowercase hex, as <see cref="AckOutcome.Decrypted"/> reports it.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
