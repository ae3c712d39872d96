using System.Net;

namespace Appliance.Images.Tests;

/// <summary>A web server on 127.0.0.1 serving a folder's files: where SimpleUpdate fetches images (10.0.2.2 from inside QEMU).</summary>
public sealed class ImageServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _directory;
    private readonly List<string> _requests = [];
    private readonly Task _loop;

    public ImageServer(string directory)
    {
        _directory = directory;
        Port = QemuMachine.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            string path = context.Request.Url!.AbsolutePath;
            lock (_requests)
            {
                _requests.Add(path);
            }

            string file = Path.Combine(_directory, Path.GetFileName(path));
            using HttpListenerResponse response = context.Response;
            if (!File.Exists(file))
            {
                response.StatusCode = 404;
                continue;
            }

            response.ContentType = "application/octet-stream";
            response.ContentLength64 = new FileInfo(file).Length;
            await using FileStream source = File.OpenRead(file);
            try
            {
                await source.CopyToAsync(response.OutputStream);
            }
            catch (HttpListenerException)
            {
                // The BMC stopped reading.
            }
        }
    }
}
