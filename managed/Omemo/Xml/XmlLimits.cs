namespace Omemo.Xml;

/// <summary>
/// Bounds applied to every XML document the parsers in <see cref="Omemo.Xml"/> accept. Input beyond a bound is
/// refused with <see cref="Omemo.Errors.MalformedMessageException"/> before any further work is done.
/// </summary>
public static class XmlLimits
{
    /// <summary>Largest accepted document, in UTF-16 characters (1 MiB).</summary>
    public const int MaxDocumentCharacters = 1 << 20;

    /// <summary>Deepest accepted element nesting (the root has depth 1); arbitrary SCE content is the deepest user.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most elements accepted in one document.</summary>
    public const int MaxElements = 50_000;

    /// <summary>Most attributes (namespace declarations included) accepted on one element.</summary>
    public const int MaxAttributes = 64;

    /// <summary>Most <c>&lt;key&gt;</c> elements accepted in one <c>&lt;encrypted&gt;</c> header.</summary>
    public const int MaxKeys = 10_000;

    /// <summary>Most <c>&lt;device&gt;</c> elements accepted in one device list.</summary>
    public const int MaxDevices = 1_000;

    /// <summary>Most <c>&lt;pk&gt;</c> elements accepted in one bundle.</summary>
    public const int MaxPreKeys = 1_000;

    /// <summary>Longest accepted JID, in characters (RFC 7622: three parts of at most 1023 bytes and two separators).</summary>
    public const int MaxJidLength = 3071;

    /// <summary>Smallest valid OMEMO device, signed pre-key or pre-key id (XEP-0384 sections 5.1 and 5.3.2).</summary>
    public const uint MinId = 1;

    /// <summary>Largest valid OMEMO device, signed pre-key or pre-key id: 2^31 - 1.</summary>
    public const uint MaxId = int.MaxValue;
}
