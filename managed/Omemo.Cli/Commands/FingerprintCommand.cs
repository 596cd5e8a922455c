using System.CommandLine;
using Omemo.Errors;
using Omemo.Keys;

namespace Omemo.Cli.Commands;

/// <summary><c>omemo fingerprint KEY</c>: prints the fingerprint of a base64 Ed25519 identity key (the XEP's &lt;ik&gt;).</summary>
internal static class FingerprintCommand
{
    internal static Command Create()
    {
        var key = new Argument<string>("identity-key") { Description = "Base64 Ed25519 identity public key, as in a bundle's <ik> element." };
        var command = new Command("fingerprint", "Print the fingerprint (Curve25519 form, 8 groups of 8 hex digits) of an identity key.") { key };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            byte[] bytes = Base64Key(parse.GetValue(key)!);
            Console.WriteLine(Fingerprint.FromEd25519(bytes));
            return 0;
        }));
        return command;
    }

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
