using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Haunt.Tests.Hygiene;

/// <summary>
/// Run output stays out of the repository: a sync key, silo logs, SQLite stores and writer locks or a data folder,
/// once committed, stay in the history for good (issue 11: src/Haunt.Silo/data held a key and three logs).
/// </summary>
public sealed partial class RepositoryHygieneTests
{
    [SkippableFact]
    public async Task The_repository_tracks_no_key_log_database_or_data_folder()
    {
        var root = RepositoryRoot();
        Skip.If(root is null || !Path.Exists(Path.Combine(root, ".git")), "Not run from a git checkout of Haunt.");

        var tracked = await GitLsFilesAsync(root!);

        var runOutput = tracked.Where(IsRunOutput).ToList();
        Assert.NotEmpty(tracked);
        Assert.True(runOutput.Count == 0, $"Run output is tracked (git rm --cached it): {string.Join(", ", runOutput)}");
    }

    [Theory]
    [InlineData("src/Haunt.Silo/data/cluster.key", true)]
    [InlineData("src/Haunt.Silo/data/osaka.log", true)]
    [InlineData("data/osaka.db", true)]
    [InlineData("tests/osaka.db.writer", true)]
    [InlineData("docs/data/readme.md", true)]
    [InlineData("sql/sqlite/001_entities.sql", false)]
    [InlineData("src/Haunt.Silo/Hosting/ClusterKeyFile.cs", false)]
    public void Run_output_is_recognised_by_name(string path, bool output) => Assert.Equal(output, IsRunOutput(path));

    private static bool IsRunOutput(string path) => RunOutput().IsMatch(path);

    [GeneratedRegex(@"(^|/)data/|\.(key|log|db|db-wal|db-shm|writer)$", RegexOptions.IgnoreCase)]
    private static partial Regex RunOutput();

    private static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Haunt.sln")))
            {
                return folder.FullName;
            }
        }

        return null;
    }

    /// <summary>The index, not the working tree: what the next commit would hold.</summary>
    private static async Task<string[]> GitLsFilesAsync(string root)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "ls-files", "-z" })
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git ls-files exited {git.ExitCode}: {await error}");
        return (await output).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
