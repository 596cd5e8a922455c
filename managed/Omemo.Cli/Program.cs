using System.CommandLine;
using Omemo.Cli;
using Omemo.Cli.Commands;

var root = new RootCommand("omemo: OMEMO (XEP-0384) end-to-end encryption engine, command-line front end.")
{
    KeygenCommand.Create(),
    FingerprintCommand.Create(),
};
return CliErrors.Run(() => root.Parse(args).Invoke());
