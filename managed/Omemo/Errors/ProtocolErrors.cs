namespace Omemo.Errors;

/// <summary>A message authentication code (the truncated HMAC of a ratchet message or a payload) does not match.</summary>
public sealed class AuthenticationFailedException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public AuthenticationFailedException(string message) : base(message) { }
}

/// <summary>A key exchange names a one-time pre-key id this device does not (or no longer) have.</summary>
public sealed class UnknownPreKeyException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public UnknownPreKeyException(string message) : base(message) { }
}

/// <summary>A key exchange names a signed pre-key id this device does not (or no longer) have.</summary>
public sealed class UnknownSignedPreKeyException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public UnknownSignedPreKeyException(string message) : base(message) { }
}

/// <summary>A message would require deriving more skipped message keys than the per-message limit (MAX_SKIP).</summary>
public sealed class TooManySkippedMessagesException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public TooManySkippedMessagesException(string message) : base(message) { }
}

/// <summary>A message whose message key was already used (or evicted): it was decrypted before.</summary>
public sealed class DuplicateMessageException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public DuplicateMessageException(string message) : base(message) { }
}

/// <summary>Input from the network is not well formed: bad protobuf, XML or base64, a missing field or a wrong size.</summary>
public sealed class MalformedMessageException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public MalformedMessageException(string message) : base(message) { }

    /// <summary>Creates the exception with a secret-free message and the underlying parser error.</summary>
    public MalformedMessageException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A signature (e.g. the bundle's signed pre-key signature) does not verify.</summary>
public sealed class InvalidSignatureException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public InvalidSignatureException(string message) : base(message) { }
}

/// <summary>There is no session with the sending device for a message that needs one.</summary>
public sealed class NoSessionException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public NoSessionException(string message) : base(message) { }
}

/// <summary>A key exchange (or a bundle used to start one) has no one-time pre-key; OMEMO 2 requires one.</summary>
public sealed class MissingPreKeyException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public MissingPreKeyException(string message) : base(message) { }
}
