using System.Text.Json;
using Haunt.Silo.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haunt.Tests.Api;

/// <summary>
/// Issue 11, item 4: only the domain's exceptions are client errors; framework exceptions thrown by bugs are
/// 500s that do not leak their text, and anything failing while the silo stops is a 503.
/// </summary>
public sealed class ApiExceptionHandlerTests
{
    public static TheoryData<Exception, int> Mappings() => new()
    {
        { new EntityNotFoundException("Portfolio", "p-1"), 404 },
        { new OperationRefusedException("Order 'o-1' is Filled and cannot be cancelled."), 409 },
        { new RegionUnavailableException(KnownRegions.Osaka), 503 },
        { new InvalidOperationException("Sequence contains no elements (secret detail)"), 500 },
        { new KeyNotFoundException("The given key 'secret detail' was not present."), 500 },
        { new ArgumentException("secret detail"), 500 },
        { new ObjectDisposedException("secret detail"), 500 },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public async Task Domain_exceptions_map_to_their_status_and_anything_else_is_a_500_without_its_text(Exception exception, int status)
    {
        var (response, body) = await HandleAsync(exception, stopping: false);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()));
        if (status == 500)
        {
            Assert.DoesNotContain("secret detail", body.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(exception.Message, body.GetProperty("detail").GetString());
        }
    }

    /// <summary>Any OrleansMessageRejectionException (its base, which has no public constructor, was seen in the silo-loss test).</summary>
    [Fact]
    public async Task A_silo_of_the_region_that_died_during_the_call_is_a_503_saying_to_retry_with_the_same_id()
    {
        var (response, body) = await HandleAsync(new SiloUnavailableException("secret detail"), stopping: false);

        Assert.Equal(503, response.StatusCode);
        Assert.Contains("retry with the same id", body.GetProperty("detail").GetString());
        Assert.DoesNotContain("secret detail", body.ToString(), StringComparison.Ordinal);
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task A_stopping_silo_answers_503_with_retry_after()
    {
        var (response, body) = await HandleAsync(new ObjectDisposedException("SqlRegionalStore", "The osaka store is closed."), stopping: true);

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("Silo stopping", body.GetProperty("title").GetString());
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
    }

    private static async Task<(HttpResponse Response, JsonElement Body)> HandleAsync(Exception exception, bool stopping)
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        using var lifetime = new Lifetime();
        if (stopping)
        {
            await lifetime.Stopping.CancelAsync();
        }

        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new ApiExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), lifetime, NullLogger<ApiExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        context.Response.Body.Position = 0;
        return (context.Response, JsonSerializer.Deserialize<JsonElement>(context.Response.Body));
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        public CancellationTokenSource Stopping { get; } = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => Stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => Stopping.Cancel();
        public void Dispose() => Stopping.Dispose();
    }
}
