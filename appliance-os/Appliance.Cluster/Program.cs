using Appliance.Cluster;

try
{
    var app = ClusterApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"appliance-cluster: {e.Message}");
    return 1;
}
