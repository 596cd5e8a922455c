namespace Omemo.Errors;

/// <summary>
/// Base type of every error the engine raises on purpose. Messages never contain key material,
/// plaintext or other secrets, so they are safe to log.
/// </summary>
public abstract class OmemoException : Exception
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    protected OmemoException(string message) : base(message) { }

    /// <summary>Creates the exception with a secret-free message and the underlying cause.</summary>
    protected OmemoException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A key has the wrong length, is not a valid encoding, or is a weak (small-order) point.</summary>
public sealed class InvalidKeyException : OmemoException
{
    /// <summary>Creates the exception.</summary>
    public InvalidKeyException(string message) : base(message) { }
}

/// <summary>Authenticated decryption failed: bad MAC/tag or bad padding. Nothing about the secret is revealed.</summary>
public sealed class DecryptionFailedException : OmemoException
{
    /// <summary>Creates the exception.</summary>
    public DecryptionFailedException(string message) : base(message) { }
}
