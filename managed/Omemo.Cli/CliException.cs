namespace Omemo.Cli;

/// <summary>Bad use of the command (a missing file, options that do not go together, an empty database): shown as one <c>error:</c> line.</summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is shown to the user after <c>error:</c>.</summary>
    internal CliException(string message) : base(message) { }
}
