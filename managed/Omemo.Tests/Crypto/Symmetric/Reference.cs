using Omemo.Crypto;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>Independent reference implementations (BouncyCastle) and helpers shared by the symmetric tests.</summary>
internal static class Reference
{
    /// <summary>The AES backends by name, so that public theories can take them as data (the enum is internal).</summary>
    public static TheoryData<string> AesBackends => new() { "aesni", "bcl" };

    public static AesCbcBackend Backend(string name) => name switch
    {
        "aesni" => AesCbcBackend.AesNi,
        "bcl" => AesCbcBackend.Bcl,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>False when the backend cannot run here (AES-NI on a CPU without it); xunit 2 has no runtime skip, so callers return early.</summary>
    public static bool Available(string name) => name != "aesni" || AesCbc.IsHardwareAccelerated;

    public static byte[] BcAesCbcPkcs7(bool encrypt, byte[] key, byte[] iv, byte[] input)
    {
        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new AesEngine()), new Pkcs7Padding());
        cipher.Init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
        return cipher.DoFinal(input);
    }

    /// <summary>Raw CBC without padding (input a multiple of 16 bytes), to craft arbitrary final blocks.</summary>
    public static byte[] BcAesCbcRawEncrypt(byte[] key, byte[] iv, byte[] input)
    {
        var cipher = new BufferedBlockCipher(new CbcBlockCipher(new AesEngine()));
        cipher.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
        return cipher.DoFinal(input);
    }

    /// <summary>BouncyCastle's verdict on a ciphertext: the plaintext, or null when it rejects the padding.</summary>
    public static byte[]? BcAesCbcPkcs7DecryptOrNull(byte[] key, byte[] iv, byte[] ciphertext)
    {
        try
        {
            return BcAesCbcPkcs7(false, key, iv, ciphertext);
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }

    public static byte[] BcHmacSha256(byte[] key, byte[] data)
    {
        var hmac = new HMac(new Sha256Digest());
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(data, 0, data.Length);
        var tag = new byte[hmac.GetMacSize()];
        hmac.DoFinal(tag, 0);
        return tag;
    }

    public static byte[] BcHkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length)
    {
        var hkdf = new HkdfBytesGenerator(new Sha256Digest());
        hkdf.Init(new HkdfParameters(ikm, salt, info));
        var okm = new byte[length];
        hkdf.GenerateBytes(okm, 0, length);
        return okm;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("\n", ""));

    public static byte[] Repeat(byte value, int count) => Enumerable.Repeat(value, count).ToArray();

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);
}
