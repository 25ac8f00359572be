using System.Security.Cryptography;

namespace Haunt.Silo.Hosting;

/// <summary>The development cluster key: made once per data folder, so restarts keep verifying old batches.</summary>
public static class ClusterKeyFile
{
    public static string LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "cluster.key");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(path, key);
        return key;
    }
}
