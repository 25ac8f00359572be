namespace Haunt.Silo.Api;

/// <summary>
/// Turns domain exceptions from grain calls into ProblemDetails: unknown id → 404, invalid value → 422,
/// a state that forbids the operation → 409, a home region that cannot be reached → 503 naming it.
/// </summary>
public static class ApiErrors
{
    public static async Task<IResult> Run(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (KeyNotFoundException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        catch (ArgumentException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid value");
        }
        catch (RegionUnavailableException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: $"Region '{ex.Region}' unavailable");
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }
    }

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, statusCode: StatusCodes.Status422UnprocessableEntity);

    public static IResult BadQuery(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
