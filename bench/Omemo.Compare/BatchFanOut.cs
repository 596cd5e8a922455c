using Omemo.Sessions;
using Omemo.Xml;

namespace Omemo.Compare;

/// <summary>The batch path: <see cref="SessionBatchEncryptor"/> and <see cref="EncryptedElementWriter"/> (buffers reused).</summary>
public sealed class BatchFanOut : IFanOut<OmemoSession>
{
    private readonly SessionBatchEncryptor _encryptor = new();
    private readonly int _stride = SessionBatchEncryptor.GetOutputStride(OmemoPayload.KeyMaterialSize);
    private byte[] _output = [];
    private int[] _lengths = [];
    private KeyRecipient[] _recipients = [];
    private byte[] _xml = [];

    /// <inheritdoc />
    public string Name => "ours-batch";

    /// <inheritdoc />
    public void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial)
    {
        if (_lengths.Length < sessions.Length)
        {
            _output = new byte[sessions.Length * _stride];
            _lengths = new int[sessions.Length];
            _recipients = Enumerable.Range(1, sessions.Length).Select(i => new KeyRecipient(OurEngine.RecipientJid, (uint)i, false)).ToArray();
        }
        _encryptor.Encrypt(sessions, keyMaterial, _output, _lengths);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> km = stackalloc byte[OmemoPayload.KeyMaterialSize];
        byte[] payload = OmemoPayload.Encrypt(plaintext, km);
        Encrypt(sessions, km);
        var recipients = _recipients.AsSpan(0, sessions.Length);
        int max = EncryptedElementWriter.GetMaxByteCount(recipients, _lengths, payload.Length);
        if (_xml.Length < max) _xml = new byte[max];
        int written = EncryptedElementWriter.Write(_xml, OurEngine.SenderDeviceId, recipients, _output, _stride, _lengths, payload, true);
        return _xml.AsMemory(0, written);
    }

    /// <inheritdoc />
    public void Dispose() => _encryptor.Dispose();
}
