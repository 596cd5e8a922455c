namespace Omemo.Compare;

/// <summary>One way of encrypting a message for many established sessions (workload 1) and of building its XML (workload 4).</summary>
/// <typeparam name="TSession">The session type (<c>OmemoSession</c>, <c>LegacySession</c>).</typeparam>
public interface IFanOut<TSession> : IDisposable
{
    /// <summary>The engine name in the report (e.g. <c>ours</c>, <c>ours-batch</c>).</summary>
    string Name { get; }

    /// <summary>Encrypts the key material for every session (the bytes of each <c>&lt;key&gt;</c>).</summary>
    void Encrypt(ReadOnlySpan<TSession> sessions, ReadOnlySpan<byte> keyMaterial);

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (payload + key material for every session) and returns the &lt;encrypted&gt;
    /// XML as UTF-8, ready for the socket (it may be the implementation's own buffer, valid until the next call).
    /// </summary>
    ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<TSession> sessions, ReadOnlySpan<byte> plaintext);
}
