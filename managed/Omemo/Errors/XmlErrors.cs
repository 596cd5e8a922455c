namespace Omemo.Errors;

/// <summary>
/// A decrypted XEP-0420 envelope's <c>&lt;from/&gt;</c> or <c>&lt;to/&gt;</c> affix does not match the stanza it
/// arrived in (e.g. a group message replayed as a private one); the content must not be shown as authentic.
/// </summary>
public sealed class SceAffixMismatchException : OmemoException
{
    /// <summary>Creates the exception.</summary>
    public SceAffixMismatchException(string message) : base(message) { }
}
