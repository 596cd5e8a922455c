using System.Globalization;
using System.Text;

namespace Omemo.CrashWorker;

/// <summary>What a command came to (written by name in the acknowledgement line).</summary>
public enum AckOutcome
{
    /// <summary>An <see cref="EncryptCommand"/> was encrypted and committed; <see cref="WorkerAck.Xml"/> is the element.</summary>
    Encrypted,
    /// <summary>A <see cref="DecryptCommand"/> gave a payload; <see cref="WorkerAck.Detail"/> is its SHA-256 (lowercase hex).</summary>
    Decrypted,
    /// <summary>A <see cref="DecryptCommand"/> was an empty OMEMO message (no payload).</summary>
    Empty,
    /// <summary>A <see cref="DecryptCommand"/> had already been decrypted (and committed) before; nothing was written.</summary>
    Duplicate,
    /// <summary>The engine refused the command; <see cref="WorkerAck.Detail"/> is the exception's type name.</summary>
    Failed,
}

/// <summary>
/// The worker's answer to one command, written as one line <c>ACK seq outcome detail base64(xml)|- µs $</c> once the
/// engine returned. The closing <c>$</c> tells a complete line from one cut off by SIGKILL (a long line is not
/// written atomically); a line without it is no acknowledgement.
/// </summary>
/// <param name="Seq">The command's number.</param>
/// <param name="Outcome">What the command came to.</param>
/// <param name="Detail">Encrypted: the number of devices left out; Decrypted: SHA-256 of the payload; Failed: the error type; else <c>-</c>.</param>
/// <param name="Xml">Encrypted: the <c>&lt;encrypted&gt;</c> element; decrypted: the automatic reply, if any; else null.</param>
/// <param name="Elapsed">How long the engine took (written in whole microseconds).</param>
public sealed record WorkerAck(int Seq, AckOutcome Outcome, string Detail, string? Xml, TimeSpan Elapsed)
{
    /// <summary>The last field of every complete line the worker writes.</summary>
    public const string Terminator = "$";

    private const string Verb = "ACK";

    /// <summary>The acknowledgement as one protocol line (without the line break).</summary>
    public string ToLine()
    {
        string xml = Xml is null ? "-" : Convert.ToBase64String(Encoding.UTF8.GetBytes(Xml));
        return string.Create(CultureInfo.InvariantCulture, $"{Verb} {Seq} {Outcome} {Detail} {xml} {(long)Elapsed.TotalMicroseconds} {Terminator}");
    }

    /// <summary>Parses a complete acknowledgement line; false for anything else (such as a line cut off by a kill).</summary>
    public static bool TryParse(string line, out WorkerAck? ack)
    {
        ArgumentNullException.ThrowIfNull(line);
        ack = null;
        string[] f = line.Split(' ');
        if (f.Length != 7 || f[0] != Verb || f[6] != Terminator) return false;
        ack = new WorkerAck(int.Parse(f[1], CultureInfo.InvariantCulture), Enum.Parse<AckOutcome>(f[2]), f[3],
            f[4] == "-" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(f[4])),
            TimeSpan.FromMicroseconds(long.Parse(f[5], CultureInfo.InvariantCulture)));
        return true;
    }
}

/// <summary>The line <c>READY deviceId $</c> the worker writes once its device is open and published.</summary>
public static class WorkerReady
{
    private const string Verb = "READY";

    /// <summary>The ready line for <paramref name="deviceId"/>.</summary>
    public static string ToLine(uint deviceId) => string.Create(CultureInfo.InvariantCulture, $"{Verb} {deviceId} {WorkerAck.Terminator}");

    /// <summary>Parses a ready line; false for anything else.</summary>
    public static bool TryParse(string? line, out uint deviceId)
    {
        deviceId = 0;
        string[] f = (line ?? "").Split(' ');
        return f.Length == 3 && f[0] == Verb && f[2] == WorkerAck.Terminator
            && uint.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out deviceId);
    }
}
