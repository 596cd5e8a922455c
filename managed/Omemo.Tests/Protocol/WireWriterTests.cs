using CsCheck;
using Omemo.Wire;

namespace Omemo.Tests.Protocol;

/// <summary>The span writers equal Google.Protobuf's canonical serialization for every field value.</summary>
public sealed class WireWriterTests
{
    private static readonly Gen<uint> Varints = Gen.OneOf(Gen.UInt, Gen.UInt[0, 200], Gen.Const(uint.MaxValue), Gen.Const(127u), Gen.Const(128u), Gen.Const(16384u));

    [Fact]
    public void AllThreeMessages_MatchTheGeneratedCode() =>
        Gen.Select(Varints, Varints, Gen.Byte.Array[0, 300], Gen.Byte.Array[16], Gen.Select(Varints, Varints)).Sample((n, pn, ciphertext, mac, ids) =>
        {
            byte[] dh = new byte[32];
            Random.Shared.NextBytes(dh);
            byte[] expectedMessage = new OmemoMessage(n, pn, dh, ciphertext).ToByteArray();
            byte[] buffer = new byte[WireWriter.OmemoMessageSize(n, pn, ciphertext.Length)];
            int written = WireWriter.WriteOmemoMessage(buffer, n, pn, dh, ciphertext);
            if (written != buffer.Length || !buffer.AsSpan().SequenceEqual(expectedMessage)) return false;

            var auth = new OmemoAuthenticatedMessage(mac, expectedMessage);
            byte[] authBuffer = new byte[WireWriter.AuthenticatedMessageSize(expectedMessage.Length)];
            if (WireWriter.WriteAuthenticatedMessage(authBuffer, mac, expectedMessage) != authBuffer.Length
                || !authBuffer.AsSpan().SequenceEqual(auth.ToByteArray())) return false;

            byte[] ik = new byte[32], ek = new byte[32];
            Random.Shared.NextBytes(ik);
            ek[0] = 9;
            var kex = new OmemoKeyExchange(ids.Item1, ids.Item2, ik, ek, auth);
            byte[] kexBuffer = new byte[WireWriter.KeyExchangeSize(ids.Item1, ids.Item2, authBuffer.Length)];
            return WireWriter.WriteKeyExchange(kexBuffer, ids.Item1, ids.Item2, ik, ek, authBuffer) == kexBuffer.Length
                && kexBuffer.AsSpan().SequenceEqual(kex.ToByteArray());
        }, iter: 2000);
}
