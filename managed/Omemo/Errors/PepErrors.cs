namespace Omemo.Errors;

/// <summary>
/// A PEP (XEP-0060) request was answered with <c>type='error'</c>, e.g. <c>item-not-found</c> when a contact has
/// published no device list or bundle, or <c>precondition-not-met</c> when publish-options do not match the node.
/// </summary>
public sealed class PepRequestFailedException : OmemoException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="condition">The RFC 6120 stanza error condition, e.g. <c>item-not-found</c>.</param>
    public PepRequestFailedException(string condition) : base($"PEP request failed: {condition}.")
    {
        Condition = condition;
    }

    /// <summary>The RFC 6120 stanza error condition (local name of the condition element), e.g. <c>item-not-found</c>.</summary>
    public string Condition { get; }
}
