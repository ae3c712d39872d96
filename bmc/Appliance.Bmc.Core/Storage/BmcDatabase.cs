using Microsoft.Data.Sqlite;

namespace Appliance.Bmc.Storage;

/// <summary>
/// The BMC's persistent state in one SQLite file, in WAL mode with full synchronisation so
/// that anything acknowledged survives a crash or power loss. Each store opens its own
/// connection (connections are not shared across threads).
/// </summary>
public sealed class BmcDatabase
{
    public BmcDatabase(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        Path = System.IO.Path.Combine(stateDirectory, "bmc.db");
        using SqliteConnection connection = Open();
        using SqliteCommand wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        using SqliteCommand pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
        pragmas.ExecuteNonQuery();
        return connection;
    }
}
