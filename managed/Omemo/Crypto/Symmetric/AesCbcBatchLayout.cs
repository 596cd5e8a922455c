namespace Omemo.Crypto;

/// <summary>
/// Where each lane's plaintext and ciphertext lie in the flat buffers of an <see cref="AesCbcBatch"/> call.
/// Implemented by structs so that the generic kernels are specialised and the calls inlined.
/// </summary>
internal interface IAesCbcBatchLayout
{
    int PlaintextOffset(int lane);

    int PlaintextLength(int lane);

    int CiphertextOffset(int lane);

    /// <summary>Throws <see cref="ArgumentException"/> unless every lane fits its buffers; runs before anything is written.</summary>
    void Validate(int laneCount, int plaintextsLength, int ciphertextsLength);
}

/// <summary>Every lane has the same plaintext length; plaintexts and ciphertexts are packed back to back.</summary>
internal readonly struct FixedAesCbcBatchLayout(int plaintextLength) : IAesCbcBatchLayout
{
    private readonly int _ciphertextLength = AesCbc.GetCiphertextLength(plaintextLength);

    public int PlaintextOffset(int lane) => lane * plaintextLength;

    public int PlaintextLength(int lane) => plaintextLength;

    public int CiphertextOffset(int lane) => lane * _ciphertextLength;

    public void Validate(int laneCount, int plaintextsLength, int ciphertextsLength)
    {
        if ((long)laneCount * plaintextLength != plaintextsLength)
        {
            throw new ArgumentException("The plaintexts must be exactly lane count × plaintext length bytes.", "plaintexts");
        }

        if ((long)laneCount * _ciphertextLength > ciphertextsLength)
        {
            throw new ArgumentException("The ciphertext buffer is too short for every lane.", "ciphertexts");
        }
    }
}

/// <summary>Per-lane offsets and lengths given by the caller.</summary>
internal readonly ref struct VariableAesCbcBatchLayout(ReadOnlySpan<int> plaintextOffsets, ReadOnlySpan<int> plaintextLengths, ReadOnlySpan<int> ciphertextOffsets) : IAesCbcBatchLayout
{
    private readonly ReadOnlySpan<int> _plaintextOffsets = plaintextOffsets;
    private readonly ReadOnlySpan<int> _plaintextLengths = plaintextLengths;
    private readonly ReadOnlySpan<int> _ciphertextOffsets = ciphertextOffsets;

    public int PlaintextOffset(int lane) => _plaintextOffsets[lane];

    public int PlaintextLength(int lane) => _plaintextLengths[lane];

    public int CiphertextOffset(int lane) => _ciphertextOffsets[lane];

    public void Validate(int laneCount, int plaintextsLength, int ciphertextsLength)
    {
        if (_plaintextOffsets.Length != laneCount || _plaintextLengths.Length != laneCount || _ciphertextOffsets.Length != laneCount)
        {
            throw new ArgumentException("Every offset and length span must have one entry per lane.", "plaintextOffsets");
        }

        for (int lane = 0; lane < laneCount; lane++)
        {
            int offset = _plaintextOffsets[lane], length = _plaintextLengths[lane], ciphertextOffset = _ciphertextOffsets[lane];
            if (offset < 0 || length < 0 || (long)offset + length > plaintextsLength)
            {
                throw new ArgumentException($"Lane {lane}'s plaintext lies outside the plaintext buffer.", "plaintextOffsets");
            }

            if (ciphertextOffset < 0 || (long)ciphertextOffset + AesCbc.GetCiphertextLength(length) > ciphertextsLength)
            {
                throw new ArgumentException($"Lane {lane}'s ciphertext lies outside the ciphertext buffer.", "ciphertextOffsets");
            }
        }
    }
}
