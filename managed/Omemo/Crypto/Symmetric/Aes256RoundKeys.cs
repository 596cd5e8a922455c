using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Omemo.Crypto;

/// <summary>The 15 round keys of AES-256, kept on the stack and wiped after use.</summary>
[InlineArray(15)]
internal struct Aes256RoundKeys
{
    private Vector128<byte> _element0;
}
