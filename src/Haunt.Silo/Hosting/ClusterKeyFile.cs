using System.Security.Cryptography;

namespace Haunt.Silo.Hosting;

/// <summary>The development cluster key: made once per data folder, so restarts keep verifying old batches.</summary>
public static class ClusterKeyFile
{
    /// <summary>Whoever reads the key can forge sync batches: only its owner may read or write it.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "cluster.key");
        if (File.Exists(path))
        {
            Narrow(path);
            return File.ReadAllText(path).Trim();
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // Created with its final mode rather than chmod-ed afterwards, so it is never readable by others, not even briefly.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(key);
        }

        return key;
    }

    /// <summary>Keys written before the mode was set (0644) lose their group and other bits; a mode is never widened.</summary>
    private static void Narrow(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & ~Mode) != 0)
        {
            File.SetUnixFileMode(path, mode & Mode);
        }
    }
}
