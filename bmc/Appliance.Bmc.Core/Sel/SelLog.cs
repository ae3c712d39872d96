using Appliance.Bmc.Storage;
using Microsoft.Data.Sqlite;

namespace Appliance.Bmc.Sel;

/// <summary>
/// The System Event Log. Adding an entry returns only after the entry is on disk (SQLite WAL,
/// synchronous=FULL), so whatever the BMC acknowledges survives kill -9 or power loss.
/// Capacity is fixed; when full, the oldest entry is dropped to make room and the overflow flag
/// is set until the log is cleared (what operators expect from a circular event log).
/// Record IDs count up from 1 and wrap before FFFEh, skipping 0000h and FFFFh, which IPMI reserves.
/// </summary>
public sealed class SelLog : IDisposable
{
    public const int DefaultCapacity = 2048;
    private const ushort LastRecordId = 0xFFFD;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private TimeSpan? _selTimeOffset;

    public SelLog(BmcDatabase database, TimeProvider time, int capacity = DefaultCapacity)
    {
        _time = time;
        Capacity = capacity;
        _connection = database.Open();
        using (SqliteCommand create = _connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS sel (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, record BLOB NOT NULL, stored_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS sel_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """;
            create.ExecuteNonQuery();
        }

    }

    public int Capacity { get; }

    /// <summary>Raised after an entry is stored (outside the log's lock).</summary>
    public event Action<SelEntry>? Added;

    /// <summary>Raised after the log is cleared.</summary>
    public event Action? Cleared;

    public int Count => Locked(() => (int)Scalar("SELECT COUNT(*) FROM sel;"));

    public bool Overflow => Locked(() => State("overflow") != 0);

    public DateTimeOffset? LastAddition => Locked(() => Moment("last_add"));

    public DateTimeOffset? LastErase => Locked(() => Moment("last_erase"));

    /// <summary>
    /// Stores a record, assigning its ID and (for timestamped records with a zero timestamp)
    /// the current SEL time. Returns once it is durable.
    /// </summary>
    public SelEntry Add(SelRecord record)
    {
        SelEntry entry;
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (record.RecordType < 0xE0 && record.Timestamp == 0)
            {
                record = record with { Timestamp = (uint)Math.Max(0, (now + SelTimeOffset).ToUnixTimeSeconds()) };
            }

            // The next ID is read inside the write transaction, so even two writers on one file never collide.
            Execute("BEGIN IMMEDIATE;");
            ushort id;
            try
            {
                id = NextId((ushort)State("last_id"));
                record = record with { RecordId = id };
                if (Scalar("SELECT COUNT(*) FROM sel;") >= Capacity)
                {
                    Execute("DELETE FROM sel WHERE seq = (SELECT MIN(seq) FROM sel);");
                    SetState("overflow", 1);
                }

                using (SqliteCommand insert = _connection.CreateCommand())
                {
                    insert.CommandText = "INSERT INTO sel (id, record, stored_at) VALUES ($id, $record, $at);";
                    insert.Parameters.AddWithValue("$id", id);
                    insert.Parameters.AddWithValue("$record", record.ToBytes());
                    insert.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
                    insert.ExecuteNonQuery();
                }

                SetState("last_id", id);
                SetState("last_add", now.ToUnixTimeMilliseconds());
                Execute("COMMIT;");
            }
            catch
            {
                Execute("ROLLBACK;");
                throw;
            }

            entry = new SelEntry(record, now);
        }

        Added?.Invoke(entry);
        return entry;
    }

    /// <summary>Entries oldest first.</summary>
    public IReadOnlyList<SelEntry> Entries() => Locked(() =>
    {
        var entries = new List<SelEntry>();
        using SqliteCommand select = _connection.CreateCommand();
        select.CommandText = "SELECT record, stored_at FROM sel ORDER BY seq;";
        using SqliteDataReader reader = select.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new SelEntry(SelRecord.Decode((byte[])reader[0]), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        }

        return (IReadOnlyList<SelEntry>)entries;
    });

    public SelEntry? Get(ushort id) => Locked(() =>
    {
        using SqliteCommand select = _connection.CreateCommand();
        select.CommandText = "SELECT record, stored_at FROM sel WHERE id = $id;";
        select.Parameters.AddWithValue("$id", id);
        using SqliteDataReader reader = select.ExecuteReader();
        return reader.Read()
            ? new SelEntry(SelRecord.Decode((byte[])reader[0]), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)))
            : null;
    });

    /// <summary>Deletes one entry; false when there is none with that ID.</summary>
    public bool Delete(ushort id) => Locked(() =>
    {
        using SqliteCommand delete = _connection.CreateCommand();
        delete.CommandText = "DELETE FROM sel WHERE id = $id;";
        delete.Parameters.AddWithValue("$id", id);
        bool deleted = delete.ExecuteNonQuery() > 0;
        if (deleted)
        {
            SetState("last_erase", _time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        return deleted;
    });

    public void Clear()
    {
        lock (_lock)
        {
            Execute("BEGIN IMMEDIATE;");
            Execute("DELETE FROM sel;");
            SetState("overflow", 0);
            SetState("last_erase", _time.GetUtcNow().ToUnixTimeMilliseconds());
            Execute("COMMIT;");
        }

        Cleared?.Invoke();
    }

    /// <summary>Offset of SEL time from the BMC clock, set by Set SEL Time; kept across restarts.</summary>
    public TimeSpan SelTimeOffset
    {
        get => _selTimeOffset ??= TimeSpan.FromMilliseconds(Locked(() => State("time_offset_ms")));
        set
        {
            lock (_lock)
            {
                SetState("time_offset_ms", (long)value.TotalMilliseconds);
                _selTimeOffset = value;
            }
        }
    }

    /// <summary>The SEL clock; setting it moves <see cref="SelTimeOffset"/>, not the BMC clock.</summary>
    public DateTimeOffset SelTime
    {
        get => _time.GetUtcNow() + SelTimeOffset;
        set => SelTimeOffset = value - _time.GetUtcNow();
    }

    public void Dispose() => _connection.Dispose();

    private ushort NextId(ushort last)
    {
        ushort id = last;
        do
        {
            id = id >= LastRecordId ? (ushort)1 : (ushort)(id + 1);
        }
        while (Exists(id));
        return id;
    }

    private bool Exists(ushort id)
    {
        using SqliteCommand select = _connection.CreateCommand();
        select.CommandText = "SELECT 1 FROM sel WHERE id = $id;";
        select.Parameters.AddWithValue("$id", id);
        return select.ExecuteScalar() is not null;
    }

    private long State(string key)
    {
        using SqliteCommand select = _connection.CreateCommand();
        select.CommandText = "SELECT value FROM sel_state WHERE key = $key;";
        select.Parameters.AddWithValue("$key", key);
        return select.ExecuteScalar() is long value ? value : 0;
    }

    private DateTimeOffset? Moment(string key)
    {
        long ms = State(key);
        return ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    private void SetState(string key, long value)
    {
        using SqliteCommand upsert = _connection.CreateCommand();
        upsert.CommandText = "INSERT INTO sel_state (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
        upsert.Parameters.AddWithValue("$key", key);
        upsert.Parameters.AddWithValue("$value", value);
        upsert.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }
}
