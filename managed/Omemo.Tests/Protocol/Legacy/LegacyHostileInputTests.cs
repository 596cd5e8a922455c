using CsCheck;
using Google.Protobuf;
using Omemo.Errors;
using Omemo.Sessions.Legacy;
using Omemo.Wire;
using Omemo.Wire.Legacy;
using LegacyPb = Omemo.Wire.Legacy.Generated;

namespace Omemo.Tests.Protocol.Legacy;

/// <summary>Hostile input against the legacy OMEMO 0.3 wire format and payload: typed errors only, never a crash.</summary>
public sealed class LegacyHostileInputTests
{
    // Canonical X25519 encodings: top bit clear (u >= p has negligible probability).
    private static readonly Gen<byte[]> Key = Gen.Byte.Array[32].Select(k => { k[31] &= 0x7f; return k; });
    private static readonly byte[] Ik = Pub(1), Rk = Pub(2), AuthKey = new byte[32];

    private static byte[] Pub(byte seed)
    {
        byte[] pub = new byte[32];
        Omemo.Crypto.X25519.DerivePublicKey(Enumerable.Repeat(seed, 32).ToArray(), pub);
        return pub;
    }

    private static byte[] Whisper(ByteString ratchetKey, uint? counter = 1, byte version = 0x33)
    {
        var m = new LegacyPb.WhisperMessage { RatchetKey = ratchetKey, PreviousCounter = 0 };
        if (counter is uint c) m.Counter = c;
        return [version, .. m.ToByteArray(), .. new byte[8]];
    }

    private static byte[] PreKey(ByteString identityKey, ByteString baseKey, bool withPreKeyId = true)
    {
        var m = new LegacyPb.PreKeyWhisperMessage { SignedPreKeyId = 1, IdentityKey = identityKey, BaseKey = baseKey, Message = ByteString.CopyFrom(1) };
        if (withPreKeyId) m.PreKeyId = 2;
        return [0x33, .. m.ToByteArray()];
    }

    private static ByteString Encoded(byte prefix, byte[] key) => ByteString.CopyFrom([prefix, .. key]);

    [Fact]
    public void WhisperMessage_RoundTrips()
    {
        Gen.Select(Gen.UInt, Gen.UInt, Key, Gen.Byte.Array[0, 200].Null()).Sample((n, pn, rk, ct) =>
        {
            var m = LegacyWhisperMessage.Create(n, pn, rk, ct, AuthKey, Ik, Rk);
            byte[] bytes = m.ToByteArray();
            Assert.Equal(0x33, bytes[0]);
            var back = LegacyWhisperMessage.Parse(bytes);
            Assert.Equal((n, pn), (back.Counter, back.PreviousCounter));
            Assert.Equal(rk, back.RatchetKey);
            Assert.Equal(ct, back.Ciphertext);
            Assert.True(back.VerifyMac(AuthKey, Ik, Rk));
            Assert.Equal(bytes, back.ToByteArray());
        }, iter: 200);
    }

    [Fact]
    public void WhisperMessage_BadFraming_IsMalformed()
    {
        byte[] good = Whisper(Encoded(0x05, Rk));
        Assert.NotNull(LegacyWhisperMessage.Parse(good));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x05, Rk), version: 0x32)));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x05, Rk), version: 0x43)));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(good.AsSpan(0, 8)));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(good.AsSpan(0, good.Length - 20)));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse([]));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x06, Rk))));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(ByteString.CopyFrom(Rk))));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x05, [.. Rk, 0]))));
        byte[] topBit = (byte[])Rk.Clone();
        topBit[31] |= 0x80;
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x05, topBit))));
        byte[] p = [0xed, .. Enumerable.Repeat((byte)0xff, 30), 0x7f];   // u = 2^255 - 19: not reduced
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x05, p))));
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(Whisper(Encoded(0x05, Rk), counter: null)));
        byte[] oversize = [.. Whisper(Encoded(0x05, Rk)), .. new byte[WireLimits.MaxMessageSize]];
        Assert.Throws<MalformedMessageException>(() => LegacyWhisperMessage.Parse(oversize));
    }

    [Fact]
    public void PreKeyWhisperMessage_BadFraming_IsMalformed()
    {
        byte[] good = PreKey(Encoded(0x05, Ik), Encoded(0x05, Rk));
        Assert.Equal(good, LegacyPreKeyWhisperMessage.Parse(good).ToByteArray());
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse([0x34, .. good[1..]]));
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse(good[1..]));
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse(good.AsSpan(0, good.Length - 1)));
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse([]));
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse(PreKey(Encoded(0x00, Ik), Encoded(0x05, Rk))));
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse(PreKey(Encoded(0x05, Ik), ByteString.CopyFrom(Rk))));
        Assert.Throws<MissingPreKeyException>(() => LegacyPreKeyWhisperMessage.Parse(PreKey(Encoded(0x05, Ik), Encoded(0x05, Rk), withPreKeyId: false)));
        byte[] oversize = [.. good, 0x22, 0x80, 0x80, 0x04, .. new byte[WireLimits.MaxMessageSize]];
        Assert.Throws<MalformedMessageException>(() => LegacyPreKeyWhisperMessage.Parse(oversize));
    }

    [Fact]
    public void RandomBytes_ParseOrMalformed()
    {
        Gen.Byte.Array[1, 200].Sample(bytes =>
        {
            bytes[0] = 0x33;
            try { LegacyWhisperMessage.Parse(bytes); } catch (MalformedMessageException) { }
            try { LegacyPreKeyWhisperMessage.Parse(bytes); } catch (MalformedMessageException) { } catch (MissingPreKeyException) { }
        }, iter: 2000);
    }

    [Fact]
    public void Payload_RoundTrips_AndEveryBitFlipFailsAuthentication()
    {
        Gen.Select(Gen.Byte.Array[1, 300], Gen.Int.Positive, Gen.Int[0, 7], Gen.Bool).Sample((plaintext, at, bit, inTag) =>
        {
            byte[] km = new byte[LegacyPayload.KeyMaterialSize], iv = new byte[LegacyPayload.IvSize];
            byte[] ct = LegacyPayload.Encrypt(plaintext, km, iv);
            Assert.Equal(plaintext, LegacyPayload.Decrypt(km, iv, ct));
            if (inTag) km[LegacyPayload.KeySize + at % LegacyPayload.TagSize] ^= (byte)(1 << bit);
            else ct[at % ct.Length] ^= (byte)(1 << bit);
            Assert.Throws<AuthenticationFailedException>(() => LegacyPayload.Decrypt(km, iv, ct));
        }, iter: 300);
    }

    [Fact]
    public void Payload_BadSizes()
    {
        byte[] km = new byte[32], iv = new byte[12];
        byte[] ct = LegacyPayload.Encrypt([], km, iv);
        Assert.Empty(ct);
        Assert.Empty(LegacyPayload.Decrypt(km, iv, ct));
        Assert.Throws<MalformedMessageException>(() => LegacyPayload.Decrypt(km.AsSpan(0, 16), iv, ct));
        Assert.Throws<MalformedMessageException>(() => LegacyPayload.Decrypt(km, new byte[16], ct));
        Assert.Throws<ArgumentException>(() => LegacyPayload.Encrypt([1], new byte[48], iv));
        Assert.Throws<ArgumentException>(() => LegacyPayload.Encrypt([1], km, new byte[16]));
    }
}
