using System.Runtime.CompilerServices;

namespace Omemo.Crypto;

/// <summary>The SHA-256 compression function (FIPS 180-4, section 6.2.2) over any lane width.</summary>
internal static class Sha256Compress
{
    /// <summary>H(0), the initial hash value.</summary>
    internal static ReadOnlySpan<uint> InitialState => s_initialState;

    private static readonly uint[] s_initialState =
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    // A static array rather than a ReadOnlySpan property: unoptimised (Debug) code allocates for the latter.
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>
    /// state[0..8) += rounds(state, block); <paramref name="schedule"/> holds the 16 message words of the block
    /// (word t of every lane in schedule[t]) and is overwritten with the rolling message schedule.
    /// </summary>
    internal static void Compress<TOps, TVec>(Span<TVec> state, Span<TVec> schedule)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged
    {
        _ = state[7];
        _ = schedule[15];
        TVec a = state[0], b = state[1], c = state[2], d = state[3];
        TVec e = state[4], f = state[5], g = state[6], h = state[7];
        ReadOnlySpan<uint> k = K;
        for (int t = 0; t < 64; t++)
        {
            TVec w;
            if (t < 16)
            {
                w = schedule[t];
            }
            else
            {
                // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], kept in a 16-word ring.
                w = TOps.Add(
                    TOps.Add(TOps.SmallSigma1(schedule[(t - 2) & 15]), schedule[(t - 7) & 15]),
                    TOps.Add(TOps.SmallSigma0(schedule[(t - 15) & 15]), schedule[t & 15]));
                schedule[t & 15] = w;
            }

            TVec t1 = TOps.Add(TOps.Add(h, TOps.BigSigma1(e)), TOps.Add(TOps.Ch(e, f, g), TOps.Add(TOps.Broadcast(k[t]), w)));
            TVec t2 = TOps.Add(TOps.BigSigma0(a), TOps.Maj(a, b, c));
            h = g;
            g = f;
            f = e;
            e = TOps.Add(d, t1);
            d = c;
            c = b;
            b = a;
            a = TOps.Add(t1, t2);
        }

        state[0] = TOps.Add(state[0], a);
        state[1] = TOps.Add(state[1], b);
        state[2] = TOps.Add(state[2], c);
        state[3] = TOps.Add(state[3], d);
        state[4] = TOps.Add(state[4], e);
        state[5] = TOps.Add(state[5], f);
        state[6] = TOps.Add(state[6], g);
        state[7] = TOps.Add(state[7], h);
    }
}
