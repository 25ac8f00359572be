using Microsoft.Extensions.Logging.Console;

namespace Haunt.Silo.Telemetry;

/// <summary>
/// The silo's logging defaults, given as configuration of the lowest rank: every one of them (levels, the console's
/// formatter and its options) is overridden by Logging:… in the silo's files, environment or flags, Orleans'
/// categories included. With <see cref="TelemetrySettings.JsonLogs"/> the console writes JSON with scopes, which carry
/// the trace and span ids.
/// </summary>
public static class HauntLogging
{
    public static void AddHauntLoggingDefaults(this IConfigurationManager configuration, ILoggingBuilder logging, TelemetrySettings settings)
    {
        var defaults = new Dictionary<string, string?>
        {
            // Warnings by default.
            ["Logging:LogLevel:Default"] = nameof(LogLevel.Warning),
            // Orleans' messaging and streams keep their warnings and errors: they are how an operator learns that a
            // silo of the region cannot reach another. Only the watchdog's warnings about slow timer turns, which a
            // loaded two-core machine gives all the time, are left out.
            ["Logging:LogLevel:Orleans.Runtime.Watchdog"] = nameof(LogLevel.Error),
        };
        if (settings.JsonLogs)
        {
            defaults["Logging:Console:FormatterOptions:IncludeScopes"] = "true";
            defaults["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true";
            defaults["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ";
        }

        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
        // The slim builder names the simple formatter in code, after the configuration is bound: name the one
        // configured (Logging:Console:FormatterName), or JSON by Haunt:Telemetry:JsonLogs, after it in turn.
        if ((configuration["Logging:Console:FormatterName"] ?? (settings.JsonLogs ? ConsoleFormatterNames.Json : null)) is { } formatter)
        {
            logging.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = formatter);
        }
        // The current activity's ids go into every log line's scopes (a request's, or a grain call's under OpenTelemetry).
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
    }
}
