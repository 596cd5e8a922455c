using System.CommandLine;
using Omemo.Errors;
using Omemo.Keys;

namespace Omemo.Cli.Commands;

/// <summary><c>omemo fingerprint KEY</c>: prints the fingerprint of a base64 Ed25519 identity key (the XEP's &lt;ik&gt;).</summary>
internal static class FingerprintCommand
{
    /// <summary>Creates the command.</summary>
    internal static Command Create(CliConsole console)
    {
        var key = new Argument<string>("identity-key") { Description = "Base64 Ed25519 identity public key, as in a bundle's <ik> element." };
        var command = new Command("fingerprint", "Print the fingerprint (Curve25519 form, 8 groups of 8 hex digits) of an identity key.") { key };
        command.SetAction(parse => CliErrors.Run(console, () =>
        {
            byte[] bytes = Base64Key(parse.GetValue(key)!);
            console.Out.WriteLine(Fingerprint.FromEd25519(bytes));
            return 0;
        }));
        return command;
    }

    /// <summary>Decodes a base64 key.</summary>
    /// <exception cref="InvalidKeyException">The text is not base64.</exception>
    internal static byte[] Base64Key(string text)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidKeyException("The identity key is not valid base64.");
        }
    }
}
