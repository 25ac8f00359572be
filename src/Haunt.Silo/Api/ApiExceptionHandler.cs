using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace Haunt.Silo.Api;

/// <summary>
/// Turns exceptions from grain calls into ProblemDetails for every endpoint at once, so handlers return typed
/// results for their success and validation paths only. Only the domain's own exceptions are client errors:
/// unknown entity → 404, refused operation → 409, a home region that cannot be reached → 503 naming it, a write
/// refused because a region is leaving → 503 "leaving, retry". A silo
/// of this region that died during the call is a 503 as well: the region fails over to its other silos within
/// seconds, so a retry (with the same ids) succeeds. While the silo stops, anything that fails is a 503 (retry
/// elsewhere or later). Everything else is a bug or an
/// outage of ours: 500 with a trace id that is also in the log, never the exception's text.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, IHostApplicationLifetime lifetime, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.Id ?? context.TraceIdentifier;
        var (status, title, detail) = exception switch
        {
            EntityNotFoundException => (StatusCodes.Status404NotFound, "Not found", exception.Message),
            OperationRefusedException => (StatusCodes.Status409Conflict, "Operation refused", exception.Message),
            RegionLeavingException => (StatusCodes.Status503ServiceUnavailable, "Leaving, retry", exception.Message),
            RegionUnavailableException r => (StatusCodes.Status503ServiceUnavailable, $"Region '{r.Region}' unavailable", exception.Message),
            // SiloUnavailableException and the other message rejections: the call met a silo that is going or gone.
            OrleansMessageRejectionException => (StatusCodes.Status503ServiceUnavailable, "Silo unavailable",
                "A silo of this region went down during the call; the write may have been made there: retry with the same id."),
            _ when lifetime.ApplicationStopping.IsCancellationRequested =>
                (StatusCodes.Status503ServiceUnavailable, "Silo stopping", "This silo is shutting down; retry on another silo or in a moment."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", $"The request failed on our side; quote trace id {traceId}."),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, exception, context.Request.Method, context.Request.Path, traceId);
        }
        else if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Extensions = { ["traceId"] = traceId } },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed (trace id {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path, string traceId);
}
