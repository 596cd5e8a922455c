using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Omemo.Crypto;

/// <summary>
/// The 15 round keys of <see cref="AesCbcBatchAesNi.Width"/> lanes, interleaved by round (index
/// <c>round * Width + lane</c>) so that one base address per round serves every lane. Stack only, wiped after use.
/// </summary>
[InlineArray(15 * AesCbcBatchAesNi.Width)]
internal struct AesCbcBatchRoundKeys
{
    private Vector128<byte> _element0;
}

/// <summary>One 16-byte block per lane: the CBC chaining values of a lane group. Stack only, wiped after use.</summary>
[InlineArray(AesCbcBatchAesNi.Width)]
internal struct AesCbcBatchBlocks
{
    private Vector128<byte> _element0;
}

/// <summary>Where one lane of a group reads and writes, copied from the layout once per group.</summary>
internal readonly record struct AesCbcBatchLane(int PlaintextOffset, int WholeBlocks, int CiphertextOffset);

/// <summary>The lanes of one group.</summary>
[InlineArray(AesCbcBatchAesNi.Width)]
internal struct AesCbcBatchLanes
{
    private AesCbcBatchLane _element0;
}
