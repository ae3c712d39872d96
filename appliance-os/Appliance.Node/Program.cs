using Appliance.Node;

try
{
    var app = NodeApp.Build(args);
    await NodeApp.InitializeAsync(app);
    using var notify = Appliance.Node.Systemd.SystemdNotify.Attach(app.Lifetime, "node agent ready");
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or Appliance.Node.Hypervisor.HypervisorUnavailableException or Appliance.Libvirt.LibvirtException
    or Appliance.Node.Storage.ToolFailedException or IOException)
{
    Console.Error.WriteLine($"appliance-node: {e.Message}");
    return 1;
}
