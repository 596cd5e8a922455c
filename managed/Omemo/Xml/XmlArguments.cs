using System.Xml;

namespace Omemo.Xml;

/// <summary>Argument checks of the writers: invalid content is a programming error, reported as <see cref="ArgumentException"/>.</summary>
internal static class XmlArguments
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="id"/> is in 1..2^31-1.</summary>
    internal static void CheckId(uint id, string paramName)
    {
        if (id < XmlLimits.MinId || id > XmlLimits.MaxId)
            throw new ArgumentOutOfRangeException(paramName, id, "OMEMO ids are in 1..2^31-1.");
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="text"/> holds only characters XML can carry.</summary>
    internal static void CheckXmlText(string text, string paramName)
    {
        try
        {
            XmlConvert.VerifyXmlChars(text);
        }
        catch (XmlException)
        {
            throw new ArgumentException("The text contains characters XML 1.0 cannot carry.", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="jid"/> is a plausible JID for an attribute.</summary>
    internal static void CheckJid(string? jid, string paramName)
    {
        if (jid is null || SafeXml.IsXmlWhitespace(jid) || jid.Length > XmlLimits.MaxJidLength)
            throw new ArgumentException("A JID must be non-blank and at most 3071 characters.", paramName);
        CheckXmlText(jid, paramName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="data"/> is non-null and of the given size (or non-empty).</summary>
    internal static void CheckBytes(byte[]? data, int exactLength, string paramName)
    {
        if (data is null) throw new ArgumentNullException(paramName);
        if (exactLength >= 0 ? data.Length != exactLength : data.Length == 0)
            throw new ArgumentException(exactLength >= 0 ? $"Must be {exactLength} bytes." : "Must not be empty.", paramName);
    }
}
