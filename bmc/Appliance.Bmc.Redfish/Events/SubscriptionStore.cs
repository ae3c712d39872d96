using System.Globalization;
using System.Text.Json;
using Appliance.Bmc.Storage;
using Microsoft.Data.Sqlite;

namespace Appliance.Bmc.Redfish.Events;

/// <summary>Event subscriptions in the BMC database: durable when Add or Delete returns, so they survive restarts and kill -9.</summary>
public sealed class SubscriptionStore : IDisposable
{
    public const int MaxSubscriptions = 20;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    public SubscriptionStore(BmcDatabase database)
    {
        _connection = database.Open();
        using SqliteCommand create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS redfish_subscriptions (id INTEGER PRIMARY KEY, body TEXT NOT NULL);";
        create.ExecuteNonQuery();
    }

    public IReadOnlyList<EventSubscription> All()
    {
        lock (_lock)
        {
            using SqliteCommand select = _connection.CreateCommand();
            select.CommandText = "SELECT body FROM redfish_subscriptions ORDER BY id;";
            using SqliteDataReader reader = select.ExecuteReader();
            var all = new List<EventSubscription>();
            while (reader.Read())
            {
                all.Add(JsonSerializer.Deserialize(reader.GetString(0), EventSubscriptionJson.Default.EventSubscription)!);
            }

            return all;
        }
    }

    public EventSubscription? Get(string id) => All().FirstOrDefault(s => s.Id == id);

    /// <summary>Stores a new subscription under the next free ID; null when the limit is reached.</summary>
    public EventSubscription? Add(Func<string, EventSubscription> create)
    {
        lock (_lock)
        {
            using SqliteCommand count = _connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM redfish_subscriptions;";
            long existing, last;
            using (SqliteDataReader reader = count.ExecuteReader())
            {
                reader.Read();
                (existing, last) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            if (existing >= MaxSubscriptions)
            {
                return null;
            }

            long id = last + 1;
            EventSubscription subscription = create(id.ToString(CultureInfo.InvariantCulture));
            using SqliteCommand insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO redfish_subscriptions (id, body) VALUES ($id, $body);";
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$body", JsonSerializer.Serialize(subscription, EventSubscriptionJson.Default.EventSubscription));
            insert.ExecuteNonQuery();
            return subscription;
        }
    }

    public bool Delete(string id)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long key))
        {
            return false;
        }

        lock (_lock)
        {
            using SqliteCommand delete = _connection.CreateCommand();
            delete.CommandText = "DELETE FROM redfish_subscriptions WHERE id = $id;";
            delete.Parameters.AddWithValue("$id", key);
            return delete.ExecuteNonQuery() > 0;
        }
    }

    public void Dispose() => _connection.Dispose();
}
