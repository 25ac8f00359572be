using Microsoft.AspNetCore.Diagnostics;

namespace Haunt.Silo.Api;

/// <summary>
/// Turns domain exceptions from grain calls into ProblemDetails for every endpoint at once, so handlers can
/// return typed results for their success and validation paths only: unknown id → 404, invalid value → 422,
/// a state that forbids the operation → 409, a home region that cannot be reached → 503 naming it.
/// Anything else stays a 500 (and is logged by the exception handler middleware).
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (int Status, string Title)? mapped = exception switch
        {
            KeyNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            RegionUnavailableException r => (StatusCodes.Status503ServiceUnavailable, $"Region '{r.Region}' unavailable"),
            ArgumentException => (StatusCodes.Status422UnprocessableEntity, "Invalid value"),
            InvalidOperationException => (StatusCodes.Status409Conflict, "Conflict"),
            _ => null,
        };
        if (mapped is not { } m)
        {
            return false;
        }

        context.Response.StatusCode = m.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = m.Status, Title = m.Title, Detail = exception.Message },
        });
    }
}
