using Omemo.Cli;

return await OmemoCli.RunAsync(args, CliConsole.FromProcess());
