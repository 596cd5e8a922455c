using Omemo.Errors;
using Omemo.Storage;
using Omemo.Xml;

namespace Omemo.Sessions;

/// <summary>Why a device was left out of an encrypted message.</summary>
public enum DeviceFailureReason
{
    /// <summary>The recipient JID's device list could not be fetched (or is empty).</summary>
    NoDeviceList = 0,
    /// <summary>The device's bundle could not be fetched or parsed.</summary>
    NoBundle = 1,
    /// <summary>The trust policy does not allow encrypting for the device's identity key.</summary>
    Untrusted = 2,
    /// <summary>The bundle or the stored session is unusable (bad signature, no pre-key, invalid key, corrupt state).</summary>
    Broken = 3,
}

/// <summary>One device (or, with <see cref="DeviceAddress.DeviceId"/> 0, one whole JID) left out of a message.</summary>
/// <param name="Device">The device; <c>DeviceId</c> is 0 when the failure concerns the whole JID.</param>
/// <param name="Reason">Why it was left out.</param>
/// <param name="Message">A secret-free explanation.</param>
public sealed record DeviceFailure(DeviceAddress Device, DeviceFailureReason Reason, string Message);

/// <summary>The outcome of <see cref="SessionManager.EncryptAsync"/>.</summary>
/// <param name="Element">The <c>&lt;encrypted&gt;</c> element (serialize it with <see cref="EncryptedElement.ToXml"/>).</param>
/// <param name="Failures">The devices that were left out, and why.</param>
public sealed record EncryptResult(EncryptedElement Element, IReadOnlyList<DeviceFailure> Failures);

/// <summary>The outcome of <see cref="SessionManager.DecryptAsync"/>.</summary>
/// <param name="Plaintext">The decrypted payload, or null for an empty OMEMO message.</param>
/// <param name="Sender">The sending device.</param>
/// <param name="WasKeyExchange">Whether the message was an <c>OMEMOKeyExchange</c>.</param>
/// <param name="NewSession">Whether the message built a new session (replacing any older one with the device).</param>
/// <param name="AutomaticReply">
/// After a key exchange: an empty OMEMO message for the sender device that the application must send back so the
/// peer stops repeating the key exchange (XEP-0384 4.3); null otherwise. Already persisted with the decryption.
/// </param>
public sealed record DecryptResult(byte[]? Plaintext, DeviceAddress Sender, bool WasKeyExchange, bool NewSession,
                                   EncryptedElement? AutomaticReply);

/// <summary>No recipient device could be encrypted for; <see cref="Failures"/> says why for each.</summary>
public sealed class NoRecipientDevicesException : OmemoException
{
    /// <summary>Creates the exception with the per-device failures.</summary>
    public NoRecipientDevicesException(IReadOnlyList<DeviceFailure> failures)
        : base($"No recipient device could be encrypted for ({failures?.Count ?? 0} failures).")
        => Failures = failures ?? [];

    /// <summary>Why each device was left out.</summary>
    public IReadOnlyList<DeviceFailure> Failures { get; }
}

/// <summary>The <c>&lt;encrypted&gt;</c> element holds no key for this device.</summary>
public sealed class NotForThisDeviceException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public NotForThisDeviceException(string message) : base(message) { }
}

/// <summary>The sending device's identity key is distrusted by the trust policy; the message was not decrypted.</summary>
public sealed class UntrustedSenderException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public UntrustedSenderException(string message) : base(message) { }
}
