using System.Globalization;
using System.Text;

namespace Omemo.CrashWorker;

/// <summary>
/// One command of the worker's stdin protocol, one line each: <c>ENC seq jid,jid,... base64(plaintext)</c> or
/// <c>DEC seq senderJid base64(utf8(&lt;encrypted&gt; XML))</c>. The worker answers every command with one
/// <see cref="WorkerAck"/> line after the engine returned (that is, after the store committed).
/// </summary>
/// <param name="Seq">The command's number; its acknowledgement carries the same number.</param>
public abstract record WorkerCommand(int Seq)
{
    /// <summary>The command as one protocol line (without the line break).</summary>
    public abstract string ToLine();

    /// <summary>Parses one protocol line.</summary>
    /// <exception cref="FormatException">The line is not a command.</exception>
    public static WorkerCommand Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string[] f = line.Split(' ');
        if (f.Length != 4) throw new FormatException("A command has four fields.");
        int seq = int.Parse(f[1], NumberStyles.None, CultureInfo.InvariantCulture);
        return f[0] switch
        {
            EncryptCommand.Verb => new EncryptCommand(seq, f[2].Split(','), Convert.FromBase64String(f[3])),
            DecryptCommand.Verb => new DecryptCommand(seq, f[2], Encoding.UTF8.GetString(Convert.FromBase64String(f[3]))),
            _ => throw new FormatException("Unknown command."),
        };
    }
}

/// <summary>Encrypt <paramref name="Plaintext"/> for every device of <paramref name="Recipients"/> (a fan-out).</summary>
/// <param name="Seq">The command's number.</param>
/// <param name="Recipients">The recipients' bare JIDs.</param>
/// <param name="Plaintext">The payload.</param>
public sealed record EncryptCommand(int Seq, IReadOnlyList<string> Recipients, byte[] Plaintext) : WorkerCommand(Seq)
{
    /// <summary>The command's first field.</summary>
    public const string Verb = "ENC";

    /// <inheritdoc />
    public override string ToLine() =>
        string.Create(CultureInfo.InvariantCulture, $"{Verb} {Seq} {string.Join(',', Recipients)} {Convert.ToBase64String(Plaintext)}");
}

/// <summary>Decrypt an <c>&lt;encrypted&gt;</c> element sent by a device of <paramref name="SenderJid"/>.</summary>
/// <param name="Seq">The command's number.</param>
/// <param name="SenderJid">The sender's bare JID.</param>
/// <param name="Xml">The element as XML.</param>
public sealed record DecryptCommand(int Seq, string SenderJid, string Xml) : WorkerCommand(Seq)
{
    /// <summary>The command's first field.</summary>
    public const string Verb = "DEC";

    /// <inheritdoc />
    public override string ToLine() =>
        string.Create(CultureInfo.InvariantCulture, $"{Verb} {Seq} {SenderJid} {Convert.ToBase64String(Encoding.UTF8.GetBytes(Xml))}");
}
