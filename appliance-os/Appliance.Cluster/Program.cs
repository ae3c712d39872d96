using Appliance.Cluster;

try
{
    var app = ClusterApp.Build(args);
    using var notify = Appliance.Node.Systemd.SystemdNotify.Attach(app.Lifetime, "cluster service ready");
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"appliance-cluster: {e.Message}");
    return 1;
}
