using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire;

/// <summary>Maps protobuf parser failures on untrusted input to <see cref="MalformedMessageException"/>.</summary>
internal static class ProtobufParsing
{
    internal static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> data, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MalformedMessageException($"The {what} is not valid protobuf.", e);
        }
    }
}
