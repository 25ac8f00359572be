using System.CommandLine;
using Haunt.Silo.Hosting;
using Haunt.Silo.Security;
using Microsoft.Extensions.Configuration;

namespace Haunt.Silo.Cli;

/// <summary>
/// `token --user alice [--role operator]`: prints a bearer token for the silos' HTTP API, signed with the first
/// of Haunt:Auth:SigningKeys, or in development with the data folder's local key (the one `up` and
/// `silo --development` use). For development and tests; in production tokens come from your identity provider.
/// </summary>
public static class TokenCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The user the token names (its subject); a portfolio belongs to the user who opened it.", Required = true };
        var roles = new Option<string[]>("--role") { Description = "A role to grant (operator: sync API, reconcile, dashboard, API reference; auditor: the entity states in the conflict log). Repeatable.", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string>("--data") { Description = "Data folder whose development key signs (when Haunt:Auth:SigningKeys is not set).", DefaultValueFactory = _ => "data" };
        var minutes = new Option<int>("--minutes") { Description = "Lifetime in minutes.", DefaultValueFactory = _ => 12 * 60 };
        var command = new Command("token", "Print a bearer token for the HTTP API (development and tests).") { user, roles, data, minutes };
        command.SetAction(parse =>
        {
            var options = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Haunt").Get<SiloHostOptions>() ?? new SiloHostOptions();
            options.Development = options.Auth.SigningKeys.Count == 0;
            var auth = options.EffectiveAuth(Path.GetFullPath(parse.GetValue(data)!));
            if (auth.Problems().FirstOrDefault() is { } problem)
            {
                Console.Error.WriteLine($"haunt token: {problem}");
                return 2;
            }

            Console.WriteLine(TokenIssuer.Mint(auth, parse.GetValue(user)!, parse.GetValue(roles) ?? [], TimeSpan.FromMinutes(parse.GetValue(minutes))));
            return 0;
        });
        return command;
    }
}
