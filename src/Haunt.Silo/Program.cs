using System.CommandLine;
using Haunt.Silo.Cli;

var root = new RootCommand("Haunt: a paper-trading backend replicated across osaka, seoul and nyc.")
{
    UpCommand.Create(),
    SiloCommand.Create(),
    TokenCommand.Create(),
    RegionCommand.Create(),
    ChangesCommand.Create(),
};
// Ctrl+C cancels the command's token; `up` then stops the bots and its silos and prints where things stand,
// which takes longer than System.CommandLine's default 2 s before it exits with 130 regardless.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });

/// <summary>Exposed for WebApplicationFactory-style tests.</summary>
public partial class Program;
