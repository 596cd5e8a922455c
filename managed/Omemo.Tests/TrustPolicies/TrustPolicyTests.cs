using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Keys;
using Omemo.Storage;
using Omemo.TrustPolicies;

namespace Omemo.Tests.TrustPolicies;

public class TrustPolicyTests
{
    private const string Romeo = "romeo@montague.lit";

    private static byte[] Key(int seed)
    {
        var s = new byte[32];
        new Random(seed).NextBytes(s);
        var pk = new byte[32];
        Ed25519.DerivePublicKey(s, pk);
        return pk;
    }

    /// <summary>A tiny trust store: applies decisions the way a session manager would.</summary>
    private sealed class Store
    {
        public List<TrustRecord> Records { get; } = [];

        public TrustDecision Decide(ITrustPolicy policy, uint device, byte[] key, string jid = Romeo)
        {
            var decision = policy.Decide(new DeviceAddress(jid, device), key, Records.Where(r => r.Device.Jid == jid).ToList());
            if (decision.IsNew) Set(decision.Record);
            return decision;
        }

        public void Set(TrustRecord record)
        {
            Records.RemoveAll(r => r.Device == record.Device && r.IdentityKey.AsSpan().SequenceEqual(record.IdentityKey));
            Records.Add(record);
        }
    }

    [Fact]
    public void Btbv_BlindlyTrustsNewKeysUntilOneIsVerified()
    {
        var policy = BlindTrustBeforeVerificationPolicy.Instance;
        var store = new Store();

        var first = store.Decide(policy, 1, Key(1));
        Assert.True(first.IsNew);
        Assert.Equal(TrustLevel.BlindlyTrusted, first.Level);
        Assert.True(first.EncryptFor && first.AcceptFrom && first.IsTrustedSender);
        Assert.Equal(Fingerprint.FromEd25519(Key(1)), first.Fingerprint);

        var again = store.Decide(policy, 1, Key(1));
        Assert.False(again.IsNew);
        Assert.Equal(TrustLevel.BlindlyTrusted, again.Level);

        Assert.Equal(TrustLevel.BlindlyTrusted, store.Decide(policy, 2, Key(2)).Level);

        // The user verifies device 1: from now on new keys of Romeo are not trusted automatically.
        store.Set(new TrustRecord(new DeviceAddress(Romeo, 1), Key(1), TrustLevel.Verified));
        var third = store.Decide(policy, 3, Key(3));
        Assert.True(third.IsNew);
        Assert.Equal(TrustLevel.Undecided, third.Level);
        Assert.False(third.EncryptFor);
        Assert.True(third.AcceptFrom);
        Assert.False(third.IsTrustedSender);

        // Earlier blind trust stays; verified stays verified.
        Assert.Equal(TrustLevel.BlindlyTrusted, store.Decide(policy, 2, Key(2)).Level);
        Assert.Equal(TrustLevel.Verified, store.Decide(policy, 1, Key(1)).Level);

        // Another JID is unaffected by Romeo's verification.
        Assert.Equal(TrustLevel.BlindlyTrusted, store.Decide(policy, 1, Key(9), "mercutio@verona.lit").Level);
    }

    [Fact]
    public void Btbv_AChangedKeyOfAKnownDeviceIsANewKey()
    {
        var policy = BlindTrustBeforeVerificationPolicy.Instance;
        var store = new Store();
        store.Set(new TrustRecord(new DeviceAddress(Romeo, 1), Key(1), TrustLevel.Verified));
        var changed = store.Decide(policy, 1, Key(5));
        Assert.True(changed.IsNew);
        Assert.Equal(TrustLevel.Undecided, changed.Level);
        Assert.False(changed.EncryptFor);
    }

    [Fact]
    public void Btbv_UndecidedKeysBecomeBlindlyTrustedWhenNoVerifiedKeyRemains()
    {
        var policy = BlindTrustBeforeVerificationPolicy.Instance;
        var store = new Store();
        store.Set(new TrustRecord(new DeviceAddress(Romeo, 4), Key(4), TrustLevel.Undecided));
        var d = store.Decide(policy, 4, Key(4));
        Assert.True(d.IsNew);
        Assert.Equal(TrustLevel.BlindlyTrusted, d.Level);
    }

    [Theory]
    [InlineData(typeof(BlindTrustBeforeVerificationPolicy))]
    [InlineData(typeof(ManualTrustPolicy))]
    public void DistrustedIsNeverUsed(Type policyType)
    {
        var policy = (ITrustPolicy)Activator.CreateInstance(policyType)!;
        var store = new Store();
        store.Set(new TrustRecord(new DeviceAddress(Romeo, 1), Key(1), TrustLevel.Distrusted));
        var d = store.Decide(policy, 1, Key(1));
        Assert.False(d.IsNew);
        Assert.False(d.EncryptFor);
        Assert.False(d.AcceptFrom);
    }

    [Fact]
    public void Manual_OnlyVerifiedKeysAreEncryptedFor()
    {
        var policy = ManualTrustPolicy.Instance;
        var store = new Store();
        var fresh = store.Decide(policy, 1, Key(1));
        Assert.True(fresh.IsNew);
        Assert.Equal(TrustLevel.Undecided, fresh.Level);
        Assert.False(fresh.EncryptFor);
        Assert.True(fresh.AcceptFrom);
        Assert.False(store.Decide(policy, 1, Key(1)).IsNew);

        store.Set(new TrustRecord(new DeviceAddress(Romeo, 1), Key(1), TrustLevel.Verified));
        Assert.True(store.Decide(policy, 1, Key(1)).EncryptFor);

        // A key blindly trusted under BTBV counts as undecided in manual mode, without rewriting the store.
        store.Set(new TrustRecord(new DeviceAddress(Romeo, 2), Key(2), TrustLevel.BlindlyTrusted));
        var blind = store.Decide(policy, 2, Key(2));
        Assert.False(blind.IsNew);
        Assert.Equal(TrustLevel.Undecided, blind.Level);
        Assert.False(blind.EncryptFor);
        Assert.Contains(store.Records, r => r.Device.DeviceId == 2 && r.Level == TrustLevel.BlindlyTrusted);
        Assert.Equal(TrustLevel.BlindlyTrusted, store.Decide(BlindTrustBeforeVerificationPolicy.Instance, 2, Key(2)).Level);
    }

    [Fact]
    public void InvalidIdentityKeys_AreTypedErrors()
    {
        Assert.Throws<InvalidKeyException>(() => BlindTrustBeforeVerificationPolicy.Instance.Decide(new DeviceAddress(Romeo, 1), new byte[31], []));
        Assert.Throws<InvalidKeyException>(() => ManualTrustPolicy.Instance.Decide(new DeviceAddress(Romeo, 1), new byte[32], []));
    }
}
