using Omemo.Sessions;
using Omemo.X3dh;

namespace Omemo.Bench.FanOut;

/// <summary>One sender and N recipient devices with bundles and, once <see cref="Establish"/> ran, confirmed sessions.</summary>
internal sealed class Fleet : IDisposable
{
    public IdentityKeyPair Sender { get; } = IdentityKeyPair.Generate();
    public List<IdentityKeyPair> Recipients { get; } = [];
    public List<Bundle> Bundles { get; } = [];
    public List<(SignedPreKey Spk, PreKey Pk)> Secrets { get; } = [];
    public OmemoSession[] SenderSessions { get; private set; } = [];
    public OmemoSession[] RecipientSessions { get; private set; } = [];

    public Fleet(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var identity = IdentityKeyPair.Generate();
            var spk = SignedPreKey.Generate(identity, 1);
            var pk = PreKey.Generate(1);
            Recipients.Add(identity);
            Secrets.Add((spk, pk));
            Bundles.Add(new Bundle(identity.PublicKey.ToArray(), spk.Id, spk.PublicKey, spk.Signature, [pk.ToPublic()]));
        }
    }

    /// <summary>Builds every session and has each recipient answer once, so no key exchange is pending.</summary>
    public Fleet Establish()
    {
        byte[] km = new byte[OmemoPayload.KeyMaterialSize];
        SenderSessions = new OmemoSession[Bundles.Count];
        RecipientSessions = new OmemoSession[Bundles.Count];
        for (int i = 0; i < Bundles.Count; i++)
        {
            SenderSessions[i] = OmemoSession.Initiate(Sender, Bundles[i]);
            RecipientSessions[i] = OmemoSession.AcceptKeyExchange(Recipients[i], new Keys(Secrets[i].Spk, Secrets[i].Pk), SenderSessions[i].Encrypt(km), out _);
            SenderSessions[i].Decrypt(RecipientSessions[i].Encrypt(km));
        }
        return this;
    }

    /// <summary>Recipient <paramref name="index"/>'s pre-keys (never consumed: a benchmark may reuse them).</summary>
    public X3dh.IPreKeySource PreKeySource(int index) => new Keys(Secrets[index].Spk, Secrets[index].Pk);

    public void Dispose()
    {
        foreach (var s in SenderSessions.Concat(RecipientSessions)) s.Dispose();
        foreach (var r in Recipients) r.Dispose();
        Sender.Dispose();
    }

    private sealed class Keys(SignedPreKey spk, PreKey pk) : IPreKeySource
    {
        public SignedPreKey? GetSignedPreKey(uint id) => id == spk.Id ? spk : null;
        public PreKey? GetPreKey(uint id) => id == pk.Id ? pk : null;
    }
}
