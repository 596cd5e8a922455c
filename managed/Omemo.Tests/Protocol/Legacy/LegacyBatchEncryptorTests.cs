using Omemo.Sessions.Legacy;
using Omemo.Wire.Legacy;

namespace Omemo.Tests.Protocol.Legacy;

/// <summary>The legacy <see cref="LegacySessionBatchEncryptor"/> against <see cref="LegacySession.Encrypt"/> (see <see cref="BatchEncryptorContract{TSession}"/>).</summary>
public sealed class LegacyBatchEncryptorTests : BatchEncryptorContract<LegacySession>
{
    private sealed class Batch(LegacySessionBatchEncryptor encryptor) : IBatch
    {
        public void Encrypt(LegacySession[] sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths) =>
            encryptor.Encrypt(sessions, keyMaterial, output, lengths);

        public void Dispose() => encryptor.Dispose();
    }

    private protected override (LegacySession Sender, LegacySession Peer) Establish(TestDevice alice, TestDevice bob, bool confirmed)
    {
        var a = LegacySession.Initiate(alice.Identity, LegacySessionTests.LegacyBundleOf(bob));
        var b = LegacySession.AcceptKeyExchange(bob.Identity, bob.Keys, a.Encrypt(new byte[32]), out _);
        if (confirmed) a.Decrypt(b.Encrypt(new byte[32]));
        return (a, b);
    }

    private protected override byte[] EncryptOne(LegacySession session, byte[] keyMaterial) => session.Encrypt(keyMaterial);

    private protected override byte[] Deliver(LegacySession sender, LegacySession peer, byte[] bytes) =>
        peer.Decrypt(sender.IsKeyExchangePending ? LegacyPreKeyWhisperMessage.Parse(bytes).Message : bytes);

    private protected override byte[] Serialize(LegacySession session) => session.Serialize();

    private protected override LegacySession Deserialize(byte[] state) => LegacySession.Deserialize(state);

    private protected override IBatch NewBatch(int maxKeyMaterialSize, int maxDegreeOfParallelism = 0) =>
        new Batch(new LegacySessionBatchEncryptor(maxKeyMaterialSize, maxDegreeOfParallelism));

    private protected override int Stride(int keyMaterialLength) => LegacySessionBatchEncryptor.GetOutputStride(keyMaterialLength);

    private protected override int KeyMaterialSize => LegacyPayload.KeyMaterialSize;
}
