namespace Omemo.Crypto;

/// <summary>
/// Where each lane's bytes are in one flat buffer: explicit offsets, or lane i at <c>i * stride</c>; explicit
/// lengths, or one length for all. Built only by the public entry points after <see cref="Validate"/>.
/// </summary>
internal readonly ref struct Sha256LaneRanges
{
    private readonly ReadOnlySpan<int> _offsets;
    private readonly ReadOnlySpan<int> _lengths;
    private readonly int _stride;
    private readonly int _length;
    private readonly bool _explicitOffsets;
    private readonly bool _explicitLengths;

    private Sha256LaneRanges(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, bool explicitOffsets, int stride,
        ReadOnlySpan<int> lengths, bool explicitLengths, int length)
    {
        Data = data;
        _offsets = offsets;
        _explicitOffsets = explicitOffsets;
        _stride = stride;
        _lengths = lengths;
        _explicitLengths = explicitLengths;
        _length = length;
    }

    /// <summary>The whole buffer.</summary>
    internal ReadOnlySpan<byte> Data { get; }

    /// <summary>True when both offsets and lengths are explicit spans (what a backend takes as is).</summary>
    internal bool IsExplicit => _explicitOffsets && _explicitLengths;

    internal ReadOnlySpan<int> Offsets => _offsets;

    internal ReadOnlySpan<int> Lengths => _lengths;

    internal static Sha256LaneRanges Explicit(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths) =>
        new(data, offsets, true, 0, lengths, true, 0);

    internal static Sha256LaneRanges Strided(ReadOnlySpan<byte> data, int stride, ReadOnlySpan<int> lengths) =>
        new(data, default, false, stride, lengths, true, 0);

    internal static Sha256LaneRanges Uniform(ReadOnlySpan<byte> data, int stride, int length) =>
        new(data, default, false, stride, default, false, length);

    internal int Offset(int lane) => _explicitOffsets ? _offsets[lane] : lane * _stride;

    internal int Length(int lane) => _explicitLengths ? _lengths[lane] : _length;

    internal ReadOnlySpan<byte> this[int lane] => Data.Slice(Offset(lane), Length(lane));

    /// <summary>Throws unless every lane in [0, count) lies inside <see cref="Data"/> (64-bit arithmetic: no overflow).</summary>
    internal void Validate(int count, string paramName)
    {
        if ((_explicitOffsets && _offsets.Length != count) || (_explicitLengths && _lengths.Length != count))
            throw new ArgumentException($"Expected {count} offsets/lengths.", paramName);
        if (_stride < 0) throw new ArgumentOutOfRangeException(paramName, "The stride cannot be negative.");
        for (int lane = 0; lane < count; lane++)
        {
            long offset = _explicitOffsets ? _offsets[lane] : (long)lane * _stride;
            int length = Length(lane);
            if (offset < 0 || length < 0 || offset + length > Data.Length)
                throw new ArgumentException($"Lane {lane} ({offset}, {length}) lies outside the {Data.Length}-byte buffer.", paramName);
        }
    }
}
