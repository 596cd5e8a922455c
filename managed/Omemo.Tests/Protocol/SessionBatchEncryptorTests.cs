using CsCheck;
using Omemo.Sessions;
using Omemo.Wire;

namespace Omemo.Tests.Protocol;

/// <summary>The batch fan-out equals one-by-one encryption byte for byte, decrypts at every peer, and is all-or-nothing.</summary>
public sealed class SessionBatchEncryptorTests
{
    /// <summary>N sender-side sessions (some still pending their key exchange), their twins, and the peers' sessions.</summary>
    private sealed class Fleet : IDisposable
    {
        public List<TestDevice> Devices { get; } = [];
        public List<OmemoSession> Senders { get; } = [];
        public List<OmemoSession> Twins { get; } = [];
        public List<OmemoSession> Peers { get; } = [];

        public Fleet(int count, Random random)
        {
            var alice = new TestDevice();
            Devices.Add(alice);
            for (int i = 0; i < count; i++)
            {
                var bob = new TestDevice();
                Devices.Add(bob);
                bool confirmed = random.Next(3) != 0;
                var (a, b) = confirmed ? ProtocolFixture.EstablishConfirmed(alice, bob) : ProtocolFixture.Establish(alice, bob);
                for (int k = random.Next(4); k > 0; k--) Deliver(a, b, a.Encrypt(ProtocolFixture.RandomKeyMaterial())); // varied n
                Senders.Add(a);
                Twins.Add(OmemoSession.Deserialize(a.Serialize()));
                Peers.Add(b);
            }
        }

        /// <summary>The peer decrypts what the sender produced (the ratchet message inside a repeated key exchange).</summary>
        public static byte[] Deliver(OmemoSession sender, OmemoSession peer, byte[] bytes) =>
            peer.Decrypt(sender.IsKeyExchangePending ? OmemoKeyExchange.Parse(bytes).Message.ToByteArray() : bytes);

        public void Dispose()
        {
            foreach (var s in Senders.Concat(Twins).Concat(Peers)) s.Dispose();
            foreach (var d in Devices) d.Dispose();
        }
    }

    [Theory]
    [InlineData(1, 48)]
    [InlineData(63, 48)]
    [InlineData(130, 48)]
    [InlineData(SessionBatchEncryptor.ParallelThreshold + 100, 48)] // chunks spread over the cores
    [InlineData(5, 32)]
    [InlineData(3, 1)]
    public void Batch_EqualsOneByOne_AndDecryptsEverywhere(int count, int keyMaterialLength)
    {
        var random = new Random(count * 31 + keyMaterialLength);
        using var fleet = new Fleet(count, random);
        using var batch = new SessionBatchEncryptor();
        byte[] km = new byte[keyMaterialLength];
        random.NextBytes(km);
        int stride = SessionBatchEncryptor.GetOutputStride(km.Length);
        byte[] output = new byte[count * stride];
        int[] lengths = new int[count];

        for (int round = 0; round < 3; round++)
        {
            batch.Encrypt(fleet.Senders.ToArray(), km, output, lengths);
            for (int i = 0; i < count; i++)
            {
                byte[] expected = fleet.Twins[i].Encrypt(km);
                byte[] got = output.AsSpan(i * stride, lengths[i]).ToArray();
                Assert.Equal(expected, got);
                Assert.Equal(km, Fleet.Deliver(fleet.Senders[i], fleet.Peers[i], got));
                Assert.Equal(fleet.Twins[i].Serialize(), fleet.Senders[i].Serialize());
            }
        }
    }

    [Fact]
    public void Property_RandomFleets_MatchOneByOne() =>
        Gen.Select(Gen.Int[1, 20], Gen.Int[0, 48], Gen.Int).Sample((count, length, seed) =>
        {
            using var fleet = new Fleet(count, new Random(seed));
            using var batch = new SessionBatchEncryptor();
            byte[] km = new byte[length];
            new Random(seed).NextBytes(km);
            int stride = SessionBatchEncryptor.GetOutputStride(length);
            byte[] output = new byte[count * stride];
            int[] lengths = new int[count];
            batch.Encrypt(fleet.Senders.ToArray(), km, output, lengths);
            for (int i = 0; i < count; i++)
                if (!output.AsSpan(i * stride, lengths[i]).SequenceEqual(fleet.Twins[i].Encrypt(km))) return false;
            return true;
        }, iter: 25);

    [Fact]
    public void DuplicateOrNullSession_IsRefused_AndNothingAdvances()
    {
        using var fleet = new Fleet(3, new Random(7));
        using var batch = new SessionBatchEncryptor();
        byte[] km = ProtocolFixture.RandomKeyMaterial();
        int stride = SessionBatchEncryptor.GetOutputStride(km.Length);
        var before = fleet.Senders.Select(s => s.Serialize()).ToList();
        OmemoSession[] twice = [fleet.Senders[0], fleet.Senders[1], fleet.Senders[0]];
        Assert.Throws<ArgumentException>(() => batch.Encrypt(twice, km, new byte[3 * stride], new int[3]));
        Assert.Throws<ArgumentException>(() => batch.Encrypt([fleet.Senders[0], null!], km, new byte[2 * stride], new int[2]));
        Assert.Throws<ArgumentException>(() => batch.Encrypt(fleet.Senders.ToArray(), km, new byte[3 * stride - 1], new int[3]));
        Assert.Throws<ArgumentException>(() => batch.Encrypt(fleet.Senders.ToArray(), new byte[49], new byte[3 * stride], new int[3]));
        Assert.Equal(before, fleet.Senders.Select(s => s.Serialize()));
    }

    [Fact]
    public void SteadyState_AllocatesNothingPerRecipient()
    {
        using var fleet = new Fleet(200, new Random(3));
        using var batch = new SessionBatchEncryptor(maxDegreeOfParallelism: 1);
        var sessions = fleet.Senders.ToArray();
        byte[] km = ProtocolFixture.RandomKeyMaterial();
        int stride = SessionBatchEncryptor.GetOutputStride(km.Length);
        byte[] output = new byte[sessions.Length * stride];
        int[] lengths = new int[sessions.Length];
        batch.Encrypt(sessions, km, output, lengths); // warm-up: sizes the staging buffer
        long before = GC.GetAllocatedBytesForCurrentThread();
        batch.Encrypt(sessions, km, output, lengths);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 200, $"{allocated} bytes allocated for 200 recipients");
    }

    [Fact]
    public void Parallel_AllocatesAConstantPerCall_NotPerRecipient()
    {
        using var fleet = new Fleet(SessionBatchEncryptor.ParallelThreshold + 512, new Random(4));
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
