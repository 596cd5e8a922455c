using CsCheck;
using Omemo.Sessions.Legacy;
using Omemo.Wire.Legacy;

namespace Omemo.Tests.Protocol.Legacy;

/// <summary>
/// The legacy batch fan-out (<see cref="LegacySessionBatchEncryptor"/>) equals <see cref="LegacySession.Encrypt"/> byte for
/// byte (PreKeyWhisperMessages while pending, WhisperMessages after), decrypts at every peer, refuses duplicates without
/// advancing anything, and allocates nothing per recipient.
/// </summary>
public sealed class LegacyBatchEncryptorTests
{
    private sealed class Fleet : IDisposable
    {
        public List<TestDevice> Devices { get; } = [];
        public List<LegacySession> Senders { get; } = [];
        public List<LegacySession> Twins { get; } = [];
        public List<LegacySession> Peers { get; } = [];

        public Fleet(int count, Random random)
        {
            var alice = new TestDevice();
            Devices.Add(alice);
            for (int i = 0; i < count; i++)
            {
                var bob = new TestDevice();
                Devices.Add(bob);
                var a = LegacySession.Initiate(alice.Identity, LegacySessionTests.LegacyBundleOf(bob));
                var b = LegacySession.AcceptKeyExchange(bob.Identity, bob.Keys, a.Encrypt(new byte[32]), out _);
                if (random.Next(3) != 0) a.Decrypt(b.Encrypt(new byte[32])); // confirmed: no more key exchanges
                for (int k = random.Next(4); k > 0; k--) Deliver(a, b, a.Encrypt(new byte[32]));
                Senders.Add(a);
                Twins.Add(LegacySession.Deserialize(a.Serialize()));
                Peers.Add(b);
            }
        }

        public static byte[] Deliver(LegacySession sender, LegacySession peer, byte[] bytes) =>
            peer.Decrypt(sender.IsKeyExchangePending ? LegacyPreKeyWhisperMessage.Parse(bytes).Message : bytes);

        public void Dispose()
        {
            foreach (var s in Senders.Concat(Twins).Concat(Peers)) s.Dispose();
            foreach (var d in Devices) d.Dispose();
        }
    }

    private static (byte[] Output, int[] Lengths, int Stride) Buffers(int count, int keyMaterialLength)
    {
        int stride = LegacySessionBatchEncryptor.GetOutputStride(keyMaterialLength);
        return (new byte[count * stride], new int[count], stride);
    }

    [Theory]
    [InlineData(1, 32)]
    [InlineData(70, 32)]
    [InlineData(2100, 32)] // chunks spread over the cores
    [InlineData(4, 16)]
    public void Batch_equals_one_by_one_and_decrypts_everywhere(int count, int keyMaterialLength)
    {
        var random = new Random(count + keyMaterialLength);
        using var fleet = new Fleet(count, random);
        using var batch = new LegacySessionBatchEncryptor();
        byte[] km = new byte[keyMaterialLength];
        random.NextBytes(km);
        var (output, lengths, stride) = Buffers(count, km.Length);
        for (int round = 0; round < 2; round++)
        {
            batch.Encrypt(fleet.Senders.ToArray(), km, output, lengths);
            for (int i = 0; i < count; i++)
            {
                byte[] got = output.AsSpan(i * stride, lengths[i]).ToArray();
                Assert.Equal(fleet.Twins[i].Encrypt(km), got);
                Assert.Equal(km, Fleet.Deliver(fleet.Senders[i], fleet.Peers[i], got));
                Assert.Equal(fleet.Twins[i].Serialize(), fleet.Senders[i].Serialize());
            }
        }
    }

    [Fact]
    public void Property_random_fleets_match_one_by_one() =>
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 40], Gen.Int).Sample((count, length, seed) =>
        {
            using var fleet = new Fleet(count, new Random(seed));
            using var batch = new LegacySessionBatchEncryptor(maxKeyMaterialSize: 40);
            byte[] km = new byte[length];
            new Random(seed).NextBytes(km);
            var (output, lengths, stride) = Buffers(count, length);
            batch.Encrypt(fleet.Senders.ToArray(), km, output, lengths);
            for (int i = 0; i < count; i++)
                if (!output.AsSpan(i * stride, lengths[i]).SequenceEqual(fleet.Twins[i].Encrypt(km))) return false;
            return true;
        }, iter: 20);

    [Fact]
    public void Duplicates_nulls_and_small_buffers_are_refused_and_nothing_advances()
    {
        using var fleet = new Fleet(3, new Random(9));
        using var batch = new LegacySessionBatchEncryptor();
        byte[] km = new byte[32];
        var (output, lengths, stride) = Buffers(3, km.Length);
        var before = fleet.Senders.Select(s => s.Serialize()).ToList();
        Assert.Throws<ArgumentException>(() => batch.Encrypt([fleet.Senders[0], fleet.Senders[1], fleet.Senders[0]], km, output, lengths));
        Assert.Throws<ArgumentException>(() => batch.Encrypt([fleet.Senders[0], null!], km, output, lengths));
        Assert.Throws<ArgumentException>(() => batch.Encrypt(fleet.Senders.ToArray(), km, new byte[3 * stride - 1], lengths));
        Assert.Throws<ArgumentException>(() => batch.Encrypt(fleet.Senders.ToArray(), new byte[33], output, lengths));
        Assert.Equal(before, fleet.Senders.Select(s => s.Serialize()));
    }

    [Fact]
    public void Steady_state_allocates_nothing_per_recipient()
    {
        using var fleet = new Fleet(200, new Random(3));
        using var batch = new LegacySessionBatchEncryptor(maxDegreeOfParallelism: 1);
        var sessions = fleet.Senders.ToArray();
        byte[] km = new byte[32];
        var (output, lengths, _) = Buffers(sessions.Length, km.Length);
        batch.Encrypt(sessions, km, output, lengths); // warm-up: sizes the staging buffer
        long before = GC.GetAllocatedBytesForCurrentThread();
        batch.Encrypt(sessions, km, output, lengths);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 200, $"{allocated} bytes allocated for 200 recipients");
    }
}
