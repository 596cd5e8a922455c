using CsCheck;

namespace Omemo.Tests.Protocol;

/// <summary>
/// What every batch fan-out (OMEMO 2's <c>SessionBatchEncryptor</c>, legacy OMEMO's <c>LegacySessionBatchEncryptor</c>)
/// must do, run by one derived class per version: equal one-by-one encryption byte for byte (key exchanges while pending,
/// plain messages after), decrypt at every peer, refuse duplicates, nulls and small buffers without advancing anything,
/// and allocate nothing per recipient.
/// </summary>
public abstract class BatchEncryptorContract<TSession> where TSession : class, IDisposable
{
    /// <summary>One batch encryptor under test.</summary>
    protected interface IBatch : IDisposable
    {
        void Encrypt(TSession[] sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths);
    }

    /// <summary>A sender-side session with <paramref name="bob"/> and the peer's; pending its key exchange unless <paramref name="confirmed"/>.</summary>
    private protected abstract (TSession Sender, TSession Peer) Establish(TestDevice alice, TestDevice bob, bool confirmed);

    private protected abstract byte[] EncryptOne(TSession session, byte[] keyMaterial);

    /// <summary>The peer decrypts what the sender produced (the ratchet message inside a repeated key exchange).</summary>
    private protected abstract byte[] Deliver(TSession sender, TSession peer, byte[] bytes);

    private protected abstract byte[] Serialize(TSession session);

    private protected abstract TSession Deserialize(byte[] state);

    private protected abstract IBatch NewBatch(int maxKeyMaterialSize, int maxDegreeOfParallelism = 0);

    private protected abstract int Stride(int keyMaterialLength);

    /// <summary>The version's key material size (48 or 32).</summary>
    private protected abstract int KeyMaterialSize { get; }

    private protected sealed class Fleet : IDisposable
    {
        public List<TestDevice> Devices { get; } = [];
        public List<TSession> Senders { get; } = [];
        public List<TSession> Twins { get; } = [];
        public List<TSession> Peers { get; } = [];

        public Fleet(BatchEncryptorContract<TSession> kind, int count, Random random)
        {
            var alice = new TestDevice();
            Devices.Add(alice);
            for (int i = 0; i < count; i++)
            {
                var bob = new TestDevice();
                Devices.Add(bob);
                var (a, b) = kind.Establish(alice, bob, confirmed: random.Next(3) != 0);
                for (int k = random.Next(4); k > 0; k--) kind.Deliver(a, b, kind.EncryptOne(a, new byte[kind.KeyMaterialSize])); // varied n
                Senders.Add(a);
                Twins.Add(kind.Deserialize(kind.Serialize(a)));
                Peers.Add(b);
            }
        }

        public void Dispose()
        {
            foreach (var s in Senders.Concat(Twins).Concat(Peers)) s.Dispose();
            foreach (var d in Devices) d.Dispose();
        }
    }

    [Theory]
    [InlineData(1, 48)]
    [InlineData(63, 48)]
    [InlineData(130, 32)]
    [InlineData(2148, 32)] // chunks spread over the cores (from 2,048 lanes)
    [InlineData(5, 16)]
    [InlineData(3, 1)]
    public void Batch_equals_one_by_one_and_decrypts_everywhere(int count, int keyMaterialLength)
    {
        var random = new Random(count * 31 + keyMaterialLength);
        using var fleet = new Fleet(this, count, random);
        using var batch = NewBatch(48);
        byte[] km = new byte[keyMaterialLength];
        random.NextBytes(km);
        int stride = Stride(km.Length);
        byte[] output = new byte[count * stride];
        int[] lengths = new int[count];
        for (int round = 0; round < 3; round++)
        {
            batch.Encrypt([.. fleet.Senders], km, output, lengths);
            for (int i = 0; i < count; i++)
            {
                byte[] got = output.AsSpan(i * stride, lengths[i]).ToArray();
                Assert.Equal(EncryptOne(fleet.Twins[i], km), got);
                Assert.Equal(km, Deliver(fleet.Senders[i], fleet.Peers[i], got));
                Assert.Equal(Serialize(fleet.Twins[i]), Serialize(fleet.Senders[i]));
            }
        }
    }

    [Fact]
    public void Property_random_fleets_match_one_by_one() =>
        Gen.Select(Gen.Int[1, 20], Gen.Int[0, 48], Gen.Int).Sample((count, length, seed) =>
        {
            using var fleet = new Fleet(this, count, new Random(seed));
            using var batch = NewBatch(48);
            byte[] km = new byte[length];
            new Random(seed).NextBytes(km);
            int stride = Stride(length);
            byte[] output = new byte[count * stride];
            int[] lengths = new int[count];
            batch.Encrypt([.. fleet.Senders], km, output, lengths);
            for (int i = 0; i < count; i++)
                if (!output.AsSpan(i * stride, lengths[i]).SequenceEqual(EncryptOne(fleet.Twins[i], km))) return false;
            return true;
        }, iter: 25);

    [Fact]
    public void Duplicates_nulls_and_small_buffers_are_refused_and_nothing_advances()
    {
        using var fleet = new Fleet(this, 3, new Random(7));
        using var batch = NewBatch(KeyMaterialSize);
        byte[] km = new byte[KeyMaterialSize];
        int stride = Stride(km.Length);
        var before = fleet.Senders.Select(Serialize).ToList();
        Assert.Throws<ArgumentException>(() => batch.Encrypt([fleet.Senders[0], fleet.Senders[1], fleet.Senders[0]], km, new byte[3 * stride], new int[3]));
        Assert.Throws<ArgumentException>(() => batch.Encrypt([fleet.Senders[0], null!], km, new byte[2 * stride], new int[2]));
        Assert.Throws<ArgumentException>(() => batch.Encrypt([.. fleet.Senders], km, new byte[3 * stride - 1], new int[3]));
        Assert.Throws<ArgumentException>(() => batch.Encrypt([.. fleet.Senders], new byte[KeyMaterialSize + 1], new byte[3 * stride], new int[3]));
        Assert.Equal(before, fleet.Senders.Select(Serialize));
    }

    [Fact]
    public void Steady_state_allocates_nothing_per_recipient()
    {
        using var fleet = new Fleet(this, 200, new Random(3));
        using var batch = NewBatch(KeyMaterialSize, maxDegreeOfParallelism: 1);
        TSession[] sessions = [.. fleet.Senders];
        byte[] km = new byte[KeyMaterialSize];
        int stride = Stride(km.Length);
        byte[] output = new byte[sessions.Length * stride];
        int[] lengths = new int[sessions.Length];
        batch.Encrypt(sessions, km, output, lengths); // warm-up: sizes the staging buffer
        long before = GC.GetAllocatedBytesForCurrentThread();
        batch.Encrypt(sessions, km, output, lengths);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 200, $"{allocated} bytes allocated for 200 recipients");
    }
}
