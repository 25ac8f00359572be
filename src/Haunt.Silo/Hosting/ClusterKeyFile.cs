using System.Security.Cryptography;

namespace Haunt.Silo.Hosting;

/// <summary>
/// Development keys, made once per data folder so restarts keep verifying what the old ones signed: the sync
/// cluster key (cluster.key) and the token signing key (token-signing.key).
/// </summary>
public static class ClusterKeyFile
{
    public const string SyncKey = "cluster.key";
    public const string TokenSigningKey = "token-signing.key";

    /// <summary>Whoever reads a key can forge sync batches or tokens: only its owner may read or write it.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string LoadOrCreate(string dataDirectory, string fileName = SyncKey)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, fileName);
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
