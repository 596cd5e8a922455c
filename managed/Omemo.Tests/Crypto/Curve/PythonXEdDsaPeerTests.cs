using System.Text.Json;
using Omemo.Crypto;
using Omemo.Crypto.Curve25519;
using Omemo.Tests.Peers;
using Xunit.Abstractions;
using static Omemo.Tests.Crypto.Curve.CurveTestPoints;
using Ed25519 = Omemo.Crypto.Ed25519;
using X25519 = Omemo.Crypto.X25519;

namespace Omemo.Tests.Crypto.Curve;

/// <summary>
/// Cross-checks against python-xeddsa (Debian python3-xeddsa: libxeddsa on top of libsodium), run through
/// /usr/bin/python3 with the embedded xeddsa_peer.py. Fails when the peer is missing unless
/// OMEMO_ALLOW_MISSING_PEERS=1.
/// </summary>
public class PythonXEdDsaPeerTests(ITestOutputHelper output)
{
    private const string InstallHint = "The python-xeddsa peer is missing: apt-get install python3-xeddsa (or set OMEMO_ALLOW_MISSING_PEERS=1 to skip).";

    private static byte[] H(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);
    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);

    private static readonly PythonScript Peer = new("xeddsa_peer.py", "python-xeddsa peer", InstallHint);

    /// <summary>Runs the peer; null when it is missing and OMEMO_ALLOW_MISSING_PEERS=1.</summary>
    private static JsonElement? RunPeer(object request) => Peer.Run(request);

    [Fact]
    public void MatchesPythonXEdDsa_AndLibsodium()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"peer seed {seed}");
        var rng = new Random(seed);

        // Keys for libsodium's crypto_sign_ed25519_pk_to_curve25519: honest, torsioned (order 2, 4, 8 components),
        // small-order encodings, non-canonical y, random strings.
        var mapInputs = new List<byte[]>();
        var verifyInputs = new List<(byte[] Pk, byte[] Msg, byte[] Sig)>();
        for (int i = 0; i < 24; i++)
        {
            var k = new byte[32]; rng.NextBytes(k);
            var q = MulBase(k);
            mapInputs.Add(Encode(q));
            mapInputs.Add(Encode(Add(q, Order2)));
            mapInputs.Add(Encode(Add(q, Order4)));
            mapInputs.Add(Encode(Add(q, Order8)));
            var junk = new byte[32]; rng.NextBytes(junk);
            mapInputs.Add(junk);
        }
        mapInputs.AddRange(Ed25519Tests.SmallOrderEncodings());
        for (int extra = 0; extra < 19; extra++)
            for (int sign = 0; sign < 2; sign++)
            {
                var y = Enumerable.Repeat((byte)0xff, 32).ToArray();
                y[0] = (byte)(0xed + extra); y[31] = (byte)(0x7f | (sign << 7)); // p + extra
                mapInputs.Add(y);
            }

        // Signatures for libsodium's crypto_sign_verify_detached: honest, malleated s, small-order R, flipped R sign,
        // and "signatures" under torsioned keys A = Q + T made with Q's scalar (valid iff [k]T = 0).
        for (int i = 0; i < 24; i++)
        {
            var edSeed = new byte[32]; rng.NextBytes(edSeed);
            var msg = new byte[rng.Next(0, 64)]; rng.NextBytes(msg);
            var pk = new byte[32]; Ed25519.DerivePublicKey(edSeed, pk);
            var sig = new byte[64]; Ed25519.Sign(edSeed, msg, sig);
            verifyInputs.Add((pk, msg, sig));
            var mall = (byte[])sig.Clone();
            AddL(mall.AsSpan(32));
            verifyInputs.Add((pk, msg, mall));
            var flipR = (byte[])sig.Clone(); flipR[31] ^= 0x80;
            verifyInputs.Add((pk, msg, flipR));
            var smallR = (byte[])sig.Clone(); EdwardsPoint.SmallOrderYAt(i % EdwardsPoint.SmallOrderYCount).CopyTo(smallR);
            verifyInputs.Add((pk, msg, smallR));

            var a = new byte[32]; KeyConversion.Ed25519SeedToScalar(edSeed, a);
            var torsion = (i % 3) switch { 0 => Order2, 1 => Order4, _ => Order8 };
            var twisted = Encode(Add(MulBase(a), torsion));
            var nonce = new byte[32]; rng.NextBytes(nonce); nonce[31] &= 0x0f;
            var tsig = new byte[64];
            Ed25519.SignWithNonce(a, twisted, nonce, msg, tsig);
            verifyInputs.Add((twisted, msg, tsig));
        }

        const int count = 60;
        var result = RunPeer(new
        {
            seed,
            count,
            map = mapInputs.Select(x => Hex(x)).ToArray(),
            verify = verifyInputs.Select(v => new[] { Hex(v.Pk), Hex(v.Msg), Hex(v.Sig) }).ToArray(),
        });
        if (result is not JsonElement peer)
        {
            output.WriteLine("python-xeddsa missing; skipped because OMEMO_ALLOW_MISSING_PEERS=1");
            return;
        }

        // XEdDSA: byte-identical signatures for the same (key, message, nonce), verified by our strict verifier;
        // the sign-bit-1 libsignal form verifies only with VerifyLibsignal.
        int n = 0;
        foreach (var v in peer.GetProperty("xeddsa").EnumerateArray())
        {
            var priv = H(v, "priv"); var msg = H(v, "msg"); var nonce = H(v, "nonce");
            var u = new byte[32]; X25519.DerivePublicKey(priv, u);
            Assert.Equal(Hex(H(v, "curve_pub")), Hex(u));
            var sig = new byte[64]; XEdDsa.Sign(priv, msg, nonce, sig);
            Assert.Equal(Hex(H(v, "sig")), Hex(sig));
            Assert.True(XEdDsa.Verify(u, msg, sig));
            var ed = new byte[32]; KeyConversion.Curve25519PublicKeyToEd25519(u, 0, ed);
            Assert.Equal(Hex(H(v, "ed_pub")), Hex(ed));
            KeyConversion.Curve25519PublicKeyToEd25519(u, 1, ed);
            Assert.Equal(Hex(H(v, "ed_pub_sign1")), Hex(ed));
            var lsig = H(v, "sig_libsignal_sign1");
            Assert.True(XEdDsa.VerifyLibsignal(u, msg, lsig));
            Assert.False(XEdDsa.Verify(u, msg, lsig));
            n++;
        }
        Assert.Equal(count, n);

        // Ed25519 and the seed/key conversions: byte-identical to libsodium.
        foreach (var v in peer.GetProperty("ed25519").EnumerateArray())
        {
            var edSeed = H(v, "seed"); var msg = H(v, "msg");
            var pk = new byte[32]; Ed25519.DerivePublicKey(edSeed, pk);
            Assert.Equal(Hex(H(v, "pub")), Hex(pk));
            var sig = new byte[64]; Ed25519.Sign(edSeed, msg, sig);
            Assert.Equal(Hex(H(v, "sig")), Hex(sig));
            var cpriv = new byte[32]; KeyConversion.Ed25519SeedToCurve25519(edSeed, cpriv);
            Assert.Equal(Hex(H(v, "curve_priv")), Hex(cpriv));
            var cpub = new byte[32]; Assert.True(KeyConversion.TryEd25519PublicKeyToCurve25519(pk, cpub));
            Assert.Equal(Hex(H(v, "curve_pub")), Hex(cpub));
        }

        // The map: same accept/refuse decision and the same u as libsodium, for every crafted key.
        var maps = peer.GetProperty("map").EnumerateArray().ToArray();
        Assert.Equal(mapInputs.Count, maps.Length);
        int accepted = 0;
        for (int i = 0; i < maps.Length; i++)
        {
            var u = new byte[32];
            bool ok = KeyConversion.TryEd25519PublicKeyToCurve25519(mapInputs[i], u);
            string? expected = maps[i].ValueKind == JsonValueKind.Null ? null : maps[i].GetString();
            Assert.True((ok ? Hex(u) : null) == expected, $"map {Hex(mapInputs[i])}: libsodium {expected ?? "refuses"}, ours {(ok ? Hex(u) : "refuses")}");
            if (ok) accepted++;
        }
        Assert.True(accepted >= 24); // at least the honest keys

        // Verification: same verdict as libsodium on every crafted signature.
        var verdicts = peer.GetProperty("verify").EnumerateArray().Select(x => x.GetBoolean()).ToArray();
        Assert.Equal(verifyInputs.Count, verdicts.Length);
        for (int i = 0; i < verdicts.Length; i++)
        {
            var (pk, msg, sig) = verifyInputs[i];
            Assert.True(verdicts[i] == Ed25519.Verify(pk, msg, sig), $"verify case {i}: libsodium {verdicts[i]}");
        }
        Assert.Contains(true, verdicts);
        Assert.Contains(false, verdicts);
    }

    private static void AddL(Span<byte> s)
    {
        int carry = 0;
        for (int i = 0; i < 32; i++)
        {
            int v = s[i] + Scalar.Order[i] + carry;
            s[i] = (byte)v;
            carry = v >> 8;
        }
    }
}
