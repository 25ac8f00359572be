using System.CommandLine;
using Haunt.Silo.Bench;
using Haunt.Silo.Cli;

var root = new RootCommand("Haunt: a paper-trading backend replicated across osaka, seoul and nyc.")
{
    UpCommand.Create(),
    SiloCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

/// <summary>Exposed for WebApplicationFactory-style tests.</summary>
public partial class Program;
