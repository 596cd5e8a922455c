using System.Buffers.Binary;
using Omemo.Errors;

namespace Omemo.Ratchet;

/// <summary>Bounds-checked little-endian reader for serialized session state; any overrun is a <see cref="MalformedMessageException"/>.</summary>
internal ref struct StateReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    internal readonly bool AtEnd => _position == _data.Length;

    internal ReadOnlySpan<byte> Read(int length)
    {
        if (length < 0 || length > _data.Length - _position) throw Truncated();
        ReadOnlySpan<byte> result = _data.Slice(_position, length);
        _position += length;
        return result;
    }

    internal byte[] ReadArray(int length) => Read(length).ToArray();

    internal byte ReadByte() => Read(1)[0];

    internal ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Read(2));

    internal uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

    private static MalformedMessageException Truncated() => new("The serialized session state is truncated.");
}

/// <summary>Little-endian writer into a buffer of exactly precomputed size.</summary>
internal ref struct StateWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    internal readonly int Position => _position;

    internal void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }

    internal void WriteByte(byte value) => _buffer[_position++] = value;

    internal void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[_position..], value);
        _position += 2;
    }

    internal void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], value);
        _position += 4;
    }
}
