using Omemo.Sessions.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Compare;

/// <summary>
/// Our batched legacy fan-out: <see cref="LegacySessionBatchEncryptor"/> into reused buffers (0 B per recipient for
/// L1); for L4 the legacy &lt;encrypted&gt; element is built from the batch output with <see cref="LegacyEncryptedElement"/>
/// (there is no span XML writer for the legacy element, so L4 allocates per recipient).
/// </summary>
public sealed class LegacyBatchFanOut : IFanOut<LegacySession>
{
    private readonly LegacySessionBatchEncryptor _encryptor = new();
    private readonly int _stride = LegacySessionBatchEncryptor.GetOutputStride(LegacyPayload.KeyMaterialSize);
    private byte[] _output = [];
    private int[] _lengths = [];

    /// <inheritdoc />
    public string Name => "ours-batch";

    /// <inheritdoc />
    public void Encrypt(ReadOnlySpan<LegacySession> sessions, ReadOnlySpan<byte> keyMaterial)
    {
        if (_lengths.Length < sessions.Length)
        {
            _output = new byte[sessions.Length * _stride];
            _lengths = new int[sessions.Length];
        }
        _encryptor.Encrypt(sessions, keyMaterial, _output, _lengths);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<LegacySession> sessions, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> km = stackalloc byte[LegacyPayload.KeyMaterialSize];
        byte[] iv = new byte[LegacyPayload.IvSize];
        byte[] payload = LegacyPayload.Encrypt(plaintext, km, iv);
        Encrypt(sessions, km);
        var keys = new LegacyEncryptedKey[sessions.Length];
        for (int i = 0; i < keys.Length; i++)
            keys[i] = new LegacyEncryptedKey((uint)i + 1, _output.AsSpan(i * _stride, _lengths[i]).ToArray(), false);
        return System.Text.Encoding.UTF8.GetBytes(new LegacyEncryptedElement(OurEngine.SenderDeviceId, keys, iv, payload).ToXml());
    }

    /// <inheritdoc />
    public void Dispose() => _encryptor.Dispose();
}
