using System.Net.Http.Json;
using System.Text.Json;
using Haunt.Trading.Bots;
using Haunt.Tests.Cluster;

namespace Haunt.Tests.Api;

[Collection(SqliteBotCollection.Name)]
public sealed class SqliteBotTests(SqliteBotHost host) : BotTests(host);

[Collection(PostgresBotCollection.Name)]
public sealed class PostgresBotTests(PostgresBotHost host) : BotTests(host);

public abstract class BotTests(ApiHostFixture host) : ApiTestsBase(host.Kind)
{
    [SkippableFact]
    public async Task A_few_seconds_of_bots_trade_in_every_region_and_converge()
    {
        var runner = new BotRunner((region, user) => host.Client(region, TestTokens.For(user)));
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4)))
        {
            await runner.RunAsync(stop.Token);
        }

        Assert.Equal(12, runner.Bots.Count);
        foreach (var region in KnownRegions.All)
        {
            var trades = 0;
            foreach (var bot in runner.Bots.Where(b => b.Region == region))
            {
                // A bot is a user like any other: its portfolio answers only to it.
                using var asBot = host.Client(region, TestTokens.For(bot.User));
                var list = await asBot.GetFromJsonAsync<JsonElement>($"/api/portfolios/{bot.PortfolioId}/trades");
                trades += list.GetArrayLength();
            }

            Assert.True(trades > 0, $"no bot traded in {region}");
        }

        await Eventually.WaitUntilAsync(async () =>
            (await host.Http[KnownRegions.Seoul].GetFromJsonAsync<JsonElement>("/api/sync/convergence")).GetProperty("converged").GetBoolean(),
            "the regions converged after the bots stopped");
    }
}
