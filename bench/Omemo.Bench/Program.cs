using BenchmarkDotNet.Running;
using Omemo.Bench;

// dotnet run -c Release --project bench/Omemo.Bench -- --filter '*'   (see bench/RESULTS.md)
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
