using Omemo.Sessions;
using Omemo.Wire;

namespace Omemo.Tests.Protocol;

/// <summary>OMEMO 2's <see cref="SessionBatchEncryptor"/> against <see cref="OmemoSession.Encrypt"/> (see <see cref="BatchEncryptorContract{TSession}"/>).</summary>
public sealed class SessionBatchEncryptorTests : BatchEncryptorContract<OmemoSession>
{
    private sealed class Batch(SessionBatchEncryptor encryptor) : IBatch
    {
        public void Encrypt(OmemoSession[] sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths) =>
            encryptor.Encrypt(sessions, keyMaterial, output, lengths);

        public void Dispose() => encryptor.Dispose();
    }

    private protected override (OmemoSession Sender, OmemoSession Peer) Establish(TestDevice alice, TestDevice bob, bool confirmed) =>
        confirmed ? ProtocolFixture.EstablishConfirmed(alice, bob) : ProtocolFixture.Establish(alice, bob);

    private protected override byte[] EncryptOne(OmemoSession session, byte[] keyMaterial) => session.Encrypt(keyMaterial);

    private protected override byte[] Deliver(OmemoSession sender, OmemoSession peer, byte[] bytes) =>
        peer.Decrypt(sender.IsKeyExchangePending ? OmemoKeyExchange.Parse(bytes).Message.ToByteArray() : bytes);

    private protected override byte[] Serialize(OmemoSession session) => session.Serialize();

    private protected override OmemoSession Deserialize(byte[] state) => OmemoSession.Deserialize(state);

    private protected override IBatch NewBatch(int maxKeyMaterialSize, int maxDegreeOfParallelism = 0) =>
        new Batch(new SessionBatchEncryptor(maxKeyMaterialSize, maxDegreeOfParallelism));

    private protected override int Stride(int keyMaterialLength) => SessionBatchEncryptor.GetOutputStride(keyMaterialLength);

    private protected override int KeyMaterialSize => OmemoPayload.KeyMaterialSize;

    [Fact]
    public void Parallel_AllocatesAConstantPerCall_NotPerRecipient()
    {
        using var fleet = new Fleet(this, SessionBatchEncryptor.ParallelThreshold + 512, new Random(4));
        using var batch = new SessionBatchEncryptor(maxDegreeOfParallelism: 2);
        byte[] km = ProtocolFixture.RandomKeyMaterial();
        int stride = SessionBatchEncryptor.GetOutputStride(km.Length);
        long Measure(int count)
        {
            var sessions = fleet.Senders.Take(count).ToArray();
            byte[] output = new byte[count * stride];
            int[] lengths = new int[count];
            batch.Encrypt(sessions, km, output, lengths); // warm-up
            long before = GC.GetAllocatedBytesForCurrentThread();
            batch.Encrypt(sessions, km, output, lengths);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long small = Measure(SessionBatchEncryptor.ParallelThreshold), large = Measure(SessionBatchEncryptor.ParallelThreshold + 512);
        Assert.True(large < 4096 && large - small < 256, $"{small} B for {SessionBatchEncryptor.ParallelThreshold} recipients, {large} B for 512 more");
    }
}
