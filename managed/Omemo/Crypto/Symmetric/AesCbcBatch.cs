namespace Omemo.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 padding over many independent lanes at once: each lane has its own key, IV and
/// plaintext, as in OMEMO's fan-out where every recipient device gets its own ratchet message key.
/// The results are exactly those of <see cref="AesCbc.Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
/// called once per lane.
/// </summary>
/// <remarks>
/// <para>
/// Lane <c>i</c>'s key is bytes <c>32 i .. 32 i + 31</c> of the keys buffer and its IV bytes <c>16 i .. 16 i + 15</c> of
/// the IVs buffer; the number of lanes is <c>keys.Length / 32</c>. Plaintexts and ciphertexts live in flat,
/// caller-owned buffers, either packed at one common length or placed by per-lane offsets.
/// </para>
/// <para>
/// With AES-NI, groups of 8 lanes run interleaved (CBC is serial within a lane but lanes are independent), key
/// expansion included, with no allocation, no table lookup and no branch on secret data; round keys and
/// intermediate blocks live on the stack and are wiped. Lanes of different lengths are allowed; a group takes as
/// many steps as its longest lane, so grouping lanes of similar length is fastest. Without AES-NI every lane goes
/// through <see cref="AesCbc"/>'s BCL fallback, which allocates a little per lane.
/// </para>
/// <para>
/// Every buffer is validated before anything is written. The ciphertext buffer must not overlap the keys, the IVs
/// or the plaintexts, and lanes' ciphertexts must not overlap each other.
/// </para>
/// </remarks>
public static class AesCbcBatch
{
    /// <summary>The ciphertext length of a lane whose plaintext is <paramref name="plaintextLength"/> bytes long (the next multiple of 16 above it).</summary>
    /// <param name="plaintextLength">The plaintext length in bytes; non-negative.</param>
    /// <returns>The ciphertext length in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="plaintextLength"/> is negative or too large.</exception>
    public static int GetCiphertextLength(int plaintextLength) => AesCbc.GetCiphertextLength(plaintextLength);

    /// <summary>
    /// Packs the lanes' ciphertexts back to back: writes each lane's ciphertext offset and returns the total
    /// length, the size of the ciphertext buffer for
    /// <see cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{byte}, ReadOnlySpan{int})"/>.
    /// </summary>
    /// <param name="plaintextLengths">Each lane's plaintext length.</param>
    /// <param name="ciphertextOffsets">Receives each lane's ciphertext offset; at least as long as <paramref name="plaintextLengths"/>.</param>
    /// <returns>The sum of the lanes' ciphertext lengths.</returns>
    /// <exception cref="ArgumentException"><paramref name="ciphertextOffsets"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative, or the total does not fit an <see cref="int"/>.</exception>
    public static int GetCiphertextOffsets(ReadOnlySpan<int> plaintextLengths, Span<int> ciphertextOffsets)
    {
        if (ciphertextOffsets.Length < plaintextLengths.Length)
        {
            throw new ArgumentException("There must be one offset per lane.", nameof(ciphertextOffsets));
        }

        long total = 0;
        for (int lane = 0; lane < plaintextLengths.Length; lane++)
        {
            ciphertextOffsets[lane] = (int)total;
            total += GetCiphertextLength(plaintextLengths[lane]);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(total, int.MaxValue, nameof(plaintextLengths));
        }

        return (int)total;
    }

    /// <summary>
    /// Encrypts lanes that all have the same plaintext length: lane <c>i</c>'s plaintext is
    /// <c>plaintexts[(i * plaintextLength)..][..plaintextLength]</c> and its ciphertext goes to
    /// <c>ciphertexts[(i * c)..][..c]</c>, where <c>c</c> = <see cref="GetCiphertextLength"/>(<paramref name="plaintextLength"/>).
    /// </summary>
    /// <param name="keys">The lanes' 32-byte AES-256 keys, back to back; the lane count is its length / 32.</param>
    /// <param name="ivs">The lanes' 16-byte IVs, back to back: 16 bytes per lane.</param>
    /// <param name="plaintexts">The lanes' plaintexts, back to back: exactly lane count × <paramref name="plaintextLength"/> bytes.</param>
    /// <param name="plaintextLength">Every lane's plaintext length; may be 0.</param>
    /// <param name="ciphertexts">Receives the ciphertexts; at least lane count × <c>c</c> bytes.</param>
    /// <returns>The number of bytes written: lane count × <c>c</c>.</returns>
    /// <exception cref="ArgumentException">A buffer has the wrong size, or <paramref name="ciphertexts"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="plaintextLength"/> is negative or too large.</exception>
    public static int Encrypt(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs, ReadOnlySpan<byte> plaintexts, int plaintextLength, Span<byte> ciphertexts)
        => Encrypt(keys, ivs, plaintexts, plaintextLength, ciphertexts, AesCbcBatchBackend.Auto);

    /// <summary>
    /// Encrypts lanes placed by per-lane offsets and lengths: lane <c>i</c>'s plaintext is
    /// <c>plaintexts.Slice(plaintextOffsets[i], plaintextLengths[i])</c> and its ciphertext,
    /// <see cref="GetCiphertextLength"/>(<c>plaintextLengths[i]</c>) bytes, goes to <c>ciphertexts[ciphertextOffsets[i]..]</c>
    /// (<see cref="GetCiphertextOffsets"/> computes packed offsets).
    /// </summary>
    /// <param name="keys">The lanes' 32-byte AES-256 keys, back to back; the lane count is its length / 32.</param>
    /// <param name="ivs">The lanes' 16-byte IVs, back to back: 16 bytes per lane.</param>
    /// <param name="plaintexts">The buffer holding every lane's plaintext; plaintexts may overlap one another.</param>
    /// <param name="plaintextOffsets">Each lane's plaintext offset in <paramref name="plaintexts"/>; one per lane.</param>
    /// <param name="plaintextLengths">Each lane's plaintext length; one per lane, each may be 0.</param>
    /// <param name="ciphertexts">Receives the ciphertexts.</param>
    /// <param name="ciphertextOffsets">Each lane's ciphertext offset in <paramref name="ciphertexts"/>; one per lane.</param>
    /// <exception cref="ArgumentException">
    /// A buffer has the wrong size, an offset span does not have one entry per lane, a lane lies outside its
    /// buffer, or <paramref name="ciphertexts"/> overlaps an input.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A plaintext length is too large.</exception>
    public static void Encrypt(
        ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs, ReadOnlySpan<byte> plaintexts, ReadOnlySpan<int> plaintextOffsets,
        ReadOnlySpan<int> plaintextLengths, Span<byte> ciphertexts, ReadOnlySpan<int> ciphertextOffsets)
        => Encrypt(keys, ivs, plaintexts, plaintextOffsets, plaintextLengths, ciphertexts, ciphertextOffsets, AesCbcBatchBackend.Auto);

    /// <inheritdoc cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, Span{byte})"/>
    internal static int Encrypt(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs, ReadOnlySpan<byte> plaintexts, int plaintextLength, Span<byte> ciphertexts, AesCbcBatchBackend backend)
    {
        var layout = new FixedAesCbcBatchLayout(plaintextLength);
        int laneCount = Run(keys, ivs, plaintexts, ciphertexts, layout, backend);
        return laneCount * GetCiphertextLength(plaintextLength);
    }

    /// <inheritdoc cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{byte}, ReadOnlySpan{int})"/>
    internal static void Encrypt(
        ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs, ReadOnlySpan<byte> plaintexts, ReadOnlySpan<int> plaintextOffsets,
        ReadOnlySpan<int> plaintextLengths, Span<byte> ciphertexts, ReadOnlySpan<int> ciphertextOffsets, AesCbcBatchBackend backend)
        => Run(keys, ivs, plaintexts, ciphertexts, new VariableAesCbcBatchLayout(plaintextOffsets, plaintextLengths, ciphertextOffsets), backend);

    /// <summary>The path <see cref="AesCbcBatchBackend.Auto"/> takes on this CPU.</summary>
    internal static AesCbcBatchBackend Resolve(AesCbcBatchBackend backend) => backend switch
    {
        AesCbcBatchBackend.Auto => AesCbcBatchAesNi.IsSupported ? AesCbcBatchBackend.Interleaved : AesCbcBatchBackend.PerLaneBcl,
        AesCbcBatchBackend.Interleaved or AesCbcBatchBackend.PerLaneAesNi when !AesCbcBatchAesNi.IsSupported
            => throw new PlatformNotSupportedException("AES-NI is not available on this CPU."),
        AesCbcBatchBackend.Interleaved or AesCbcBatchBackend.PerLaneAesNi or AesCbcBatchBackend.PerLaneBcl => backend,
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };

    /// <summary>Validates everything, then encrypts every lane on the chosen path; returns the lane count.</summary>
    private static int Run<TLayout>(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs, ReadOnlySpan<byte> plaintexts, Span<byte> ciphertexts, TLayout layout, AesCbcBatchBackend backend)
        where TLayout : IAesCbcBatchLayout, allows ref struct
    {
        backend = Resolve(backend);
        int laneCount = CheckKeysAndIvs(keys, ivs);
        layout.Validate(laneCount, plaintexts.Length, ciphertexts.Length);
        if (ciphertexts.Overlaps(keys) || ciphertexts.Overlaps(ivs) || ciphertexts.Overlaps(plaintexts))
        {
            throw new ArgumentException("The ciphertext buffer must not overlap the keys, the IVs or the plaintexts.", nameof(ciphertexts));
        }

        if (backend == AesCbcBatchBackend.Interleaved)
        {
            AesCbcBatchAesNi.Encrypt(keys, ivs, plaintexts, ciphertexts, laneCount, layout);
            return laneCount;
        }

        var single = backend == AesCbcBatchBackend.PerLaneAesNi ? AesCbcBackend.AesNi : AesCbcBackend.Bcl;
        for (int lane = 0; lane < laneCount; lane++)
        {
            AesCbc.Encrypt(
                keys.Slice(lane * AesCbc.KeySize, AesCbc.KeySize),
                ivs.Slice(lane * AesCbc.IvSize, AesCbc.IvSize),
                plaintexts.Slice(layout.PlaintextOffset(lane), layout.PlaintextLength(lane)),
                ciphertexts[layout.CiphertextOffset(lane)..],
                single);
        }

        return laneCount;
    }

    private static int CheckKeysAndIvs(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs)
    {
        if (keys.Length % AesCbc.KeySize != 0)
        {
            throw new ArgumentException($"The keys buffer must hold whole {AesCbc.KeySize}-byte AES-256 keys.", nameof(keys));
        }

        int laneCount = keys.Length / AesCbc.KeySize;
        if ((long)ivs.Length != (long)laneCount * AesCbc.IvSize)
        {
            throw new ArgumentException($"The IVs buffer must hold one {AesCbc.IvSize}-byte IV per lane.", nameof(ivs));
        }

        return laneCount;
    }
}
