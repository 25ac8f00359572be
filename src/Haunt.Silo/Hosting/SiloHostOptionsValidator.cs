using Microsoft.Extensions.Options;

namespace Haunt.Silo.Hosting;

/// <summary>Every problem of a silo's settings (section Haunt) at once, each naming its setting.</summary>
public sealed class SiloHostOptionsValidator : IValidateOptions<SiloHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> with every problem of <paramref name="options"/>, if any.</summary>
    public static SiloHostOptions Require(SiloHostOptions options)
    {
        var result = new SiloHostOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(SiloHostOptions), result.Failures) : options;
    }
}
