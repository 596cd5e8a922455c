using System.Security.Cryptography;
using Omemo.Crypto;

namespace Omemo.Ratchet;

/// <summary>
/// The Double Ratchet KDFs as python-doubleratchet runs them for every OMEMO version; the HKDF infos come from the
/// version's <see cref="IProtocolProfile"/>.
/// </summary>
internal static class RatchetKdf
{
    internal const int KeySize = 32;
    internal const int MessageKeyMaterialSize = 80;

    private static ReadOnlySpan<byte> MessageKeyConstant => [0x01];
    private static ReadOnlySpan<byte> ChainKeyConstant => [0x02];

    /// <summary>KDF_RK: HKDF-SHA-256(salt = rk, ikm = dh_out, <paramref name="info"/>, 64) = new rk || chain key.</summary>
    internal static void RootStep(ReadOnlySpan<byte> info, Span<byte> rootKey, ReadOnlySpan<byte> dhOutput, Span<byte> chainKey)
    {
        Span<byte> output = stackalloc byte[2 * KeySize];
        Hkdf.DeriveKey(dhOutput, rootKey, info, output);
        output[..KeySize].CopyTo(rootKey);
        output[KeySize..].CopyTo(chainKey);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>KDF_CK: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02) (replaces <paramref name="chainKey"/>).</summary>
    internal static void ChainStep(Span<byte> chainKey, Span<byte> messageKey)
    {
        HmacSha256.Compute(chainKey, MessageKeyConstant, messageKey[..KeySize]);
        Span<byte> next = stackalloc byte[KeySize];
        HmacSha256.Compute(chainKey, ChainKeyConstant, next);
        next.CopyTo(chainKey);
        CryptographicOperations.ZeroMemory(next);
    }

    /// <summary>HKDF-SHA-256(ikm = mk, salt = 32 zero bytes, <paramref name="info"/>, 80) = enc key || auth key || IV.</summary>
    internal static void MessageKeys(ReadOnlySpan<byte> info, ReadOnlySpan<byte> messageKey, Span<byte> material)
    {
        Span<byte> salt = stackalloc byte[KeySize];
        salt.Clear();
        Hkdf.DeriveKey(messageKey, salt, info, material[..MessageKeyMaterialSize]);
    }
}
