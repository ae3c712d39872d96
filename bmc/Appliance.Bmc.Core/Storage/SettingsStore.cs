using Microsoft.Data.Sqlite;

namespace Appliance.Bmc.Storage;

/// <summary>Durable key/value settings (restore policy, last power state, network settings, ...).</summary>
public sealed class SettingsStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    public SettingsStore(BmcDatabase database)
    {
        _connection = database.Open();
        using SqliteCommand create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";
        create.ExecuteNonQuery();
    }

    public string? Get(string key)
    {
        lock (_lock)
        {
            using SqliteCommand select = _connection.CreateCommand();
            select.CommandText = "SELECT value FROM settings WHERE key = $key;";
            select.Parameters.AddWithValue("$key", key);
            return select.ExecuteScalar() as string;
        }
    }

    public string Get(string key, string fallback) => Get(key) ?? fallback;

    public void Set(string key, string value)
    {
        lock (_lock)
        {
            using SqliteCommand upsert = _connection.CreateCommand();
            upsert.CommandText = "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
            upsert.Parameters.AddWithValue("$key", key);
            upsert.Parameters.AddWithValue("$value", value);
            upsert.ExecuteNonQuery();
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            using SqliteCommand delete = _connection.CreateCommand();
            delete.CommandText = "DELETE FROM settings WHERE key = $key;";
            delete.Parameters.AddWithValue("$key", key);
            delete.ExecuteNonQuery();
        }
    }

    public void Dispose() => _connection.Dispose();
}
