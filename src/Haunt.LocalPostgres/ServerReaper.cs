using System.Diagnostics;

namespace Haunt.LocalPostgres;

/// <summary>
/// Stops the throwaway PostgreSQL server and deletes its folder (~100 MB) once the process that started it (a
/// test host, the bench) is gone. A ProcessExit handler cannot do it: after the run vstest gives the host about
/// 100 ms to exit, then kills it, and the folder stayed behind in /tmp after every run. So a small shell process
/// does the work: it waits for its stdin, a pipe from that process, to close, which happens however the process
/// ends (clean exit, vstest's kill, a crash, kill -9), then stops the server and deletes the folder only once the
/// server is gone.
/// </summary>
internal sealed class ServerReaper
{
    private const string Script =
        // Ctrl+C and a closed terminal must not cut the cleanup short; never write to the host's pipes.
        "trap '' HUP INT TERM; exec >/dev/null 2>&1; cat; folder=$1; shift; \"$@\"; " +
        // The postmaster removes postmaster.pid as it exits: a server that is somehow still up keeps its folder.
        "[ -e \"$folder/data/postmaster.pid\" ] || rm -rf -- \"$folder\"";

    private readonly Process _process;

    private ServerReaper(Process process) => _process = process;

    /// <summary>Starts the reaper of <paramref name="folder"/>; <paramref name="stop"/> is the command that stops its server.</summary>
    public static ServerReaper Start(string folder, IEnumerable<string> stop)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(), // pg_ctl, run as postgres, must be able to enter it
        };
        foreach (var arg in new[] { "-c", Script, "haunt-pg-reaper", folder }.Concat(stop))
        {
            start.ArgumentList.Add(arg);
        }

        return new ServerReaper(Process.Start(start) ?? throw new InvalidOperationException("Could not start /bin/sh."));
    }

    /// <summary>At the end of the run: starts the cleanup now and waits for it as long as the process is let live.</summary>
    public void Release()
    {
        _process.StandardInput.Close();
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }
}
