using Haunt.Bench;

// `dotnet run -c Release --project src/Haunt.Bench -- [--json] [--only …]`: see README "Benchmarks".
return await BenchCommand.Create().Parse(args).InvokeAsync();
