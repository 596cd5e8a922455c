using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Sessions;

namespace Omemo.Tests.Protocol;

public sealed class PayloadTests
{
    [Fact]
    public void RoundTrip_RandomPlaintexts()
    {
        Gen.Byte.Array[0, 3000].Sample(plaintext =>
        {
            byte[] km = new byte[OmemoPayload.KeyMaterialSize];
            byte[] payload = OmemoPayload.Encrypt(plaintext, km);
            Assert.Equal(AesCbc.GetCiphertextLength(plaintext.Length), payload.Length);
            Assert.Equal(plaintext, OmemoPayload.Decrypt(km, payload));
        }, iter: 200);
    }

    [Fact]
    public void Construction_MatchesXep44()
    {
        byte[] plaintext = Encoding.UTF8.GetBytes("<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>hi</body></content></envelope>");
        byte[] km = new byte[48];
        byte[] payload = OmemoPayload.Encrypt(plaintext, km);
        // Recompute independently with the BCL.
        byte[] derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, km[..32], 80, new byte[32], "OMEMO Payload"u8.ToArray());
        using var aes = Aes.Create();
        aes.Key = derived[..32];
        Assert.Equal(aes.EncryptCbc(plaintext, derived[64..80], PaddingMode.PKCS7), payload);
        Assert.Equal(HMACSHA256.HashData(derived[32..64], payload)[..16], km[32..]);
    }

    [Fact]
    public void Tampering_IsRejected()
    {
        byte[] km = new byte[48];
        byte[] payload = OmemoPayload.Encrypt("hello OMEMO, a longer payload"u8, km);
        for (int bit = 0; bit < payload.Length * 8; bit++)
        {
            byte[] t = (byte[])payload.Clone();
            t[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<AuthenticationFailedException>(() => OmemoPayload.Decrypt(km, t));
        }
        for (int bit = 0; bit < km.Length * 8; bit++)
        {
            byte[] t = (byte[])km.Clone();
            t[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<AuthenticationFailedException>(() => OmemoPayload.Decrypt(t, payload));
        }
        Assert.Throws<AuthenticationFailedException>(() => OmemoPayload.Decrypt(km, payload.AsSpan(0, 16)));
        Assert.Throws<MalformedMessageException>(() => OmemoPayload.Decrypt(km.AsSpan(0, 32), payload));
        Assert.Throws<ArgumentException>(() => OmemoPayload.Encrypt("x"u8, new byte[47]));
    }

    [Fact]
    public void ThroughSessions_EndToEnd()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using var session = OmemoSession.Initiate(alice.Identity, bob.Bundle);
        byte[] km = new byte[48];
        byte[] payload = OmemoPayload.Encrypt("secret"u8, km);
        using var bobSession = OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, session.Encrypt(km), out byte[] received);
        Assert.Equal("secret"u8.ToArray(), OmemoPayload.Decrypt(received, payload));
    }
}
