using Microsoft.AspNetCore.Http.HttpResults;

namespace Haunt.Silo.Api;

/// <summary>Validation answers as typed results (domain exceptions are mapped by <see cref="ApiExceptionHandler"/>).</summary>
public static class ApiErrors
{
    /// <summary>A body that parsed but holds a missing or out-of-range field: 422 with the field's message.</summary>
    public static ProblemHttpResult Unprocessable(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "One or more fields are invalid.",
        });

    /// <summary>A query parameter out of range: 400 (the request itself is malformed, there is no body to judge).</summary>
    public static ValidationProblem BadQuery(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Documents the exception mappings of <see cref="ApiExceptionHandler"/> that a group's endpoints can hit.</summary>
    public static RouteGroupBuilder ProducesDomainProblems(this RouteGroupBuilder group, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            group.ProducesProblem(status);
        }

        return group;
    }
}
