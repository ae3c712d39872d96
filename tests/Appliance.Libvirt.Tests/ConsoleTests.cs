using System.Text;
using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

public class ConsoleTests
{
    [Fact]
    public void The_console_stream_carries_the_guests_serial_line_both_ways_and_abort_ends_the_reader()
    {
        using var folder = new TempFolder();
        File.Copy(Path.Combine(Repo.GuestDirectory, "kernel"), folder.File("kernel"));
        File.Copy(Path.Combine(Repo.GuestDirectory, "initrd.img"), folder.File("initrd.img"));
        using var conn = SystemDaemon.Open();
        var definition = SystemDaemon.Runnable(SystemDaemon.UniqueName("console"));
        definition.VirtualCpus = 1;
        definition.Os = new DomainOs { Kernel = folder.File("kernel"), Initrd = folder.File("initrd.img"), KernelCommandLine = "console=ttyS0 quiet" };
        definition.Serial = new DomainSerial();
        using var owned = new OwnedDomain(conn.DefineDomain(definition.ToXml()));
        owned.Domain.Start();

        using var stream = conn.NewStream();
        owned.Domain.OpenConsole(stream);
        var output = new StringBuilder();
        var reader = new Thread(() =>
        {
            var buffer = new byte[4096];
            int n;
            while ((n = stream.Receive(buffer)) > 0)
                lock (output) output.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }) { IsBackground = true };
        reader.Start();
        string Seen() { lock (output) return output.ToString(); }

        // Type into the guest's shell until it answers: it may still be booting when the first line arrives.
        // The product is computed by the shell, so the typed line's echo alone never matches.
        Assert.True(SystemDaemon.WaitFor(() =>
        {
            stream.Send("echo console-$((6*7))\n"u8);
            return SystemDaemon.WaitFor(() => Seen().Contains("console-42", StringComparison.Ordinal), seconds: 2);
        }, seconds: 240), $"the guest never answered on its console:\n{Seen()}");

        stream.Abort();
        Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "the reader still waits after the stream was aborted");
        Assert.True(conn.IsAlive);
        Assert.Equal(DomainState.Running, owned.Domain.GetState().State);
    }

    [Fact]
    public void A_stream_that_was_never_opened_is_refused()
    {
        using var conn = SystemDaemon.Open();
        using var stream = conn.NewStream();

        var error = Assert.Throws<LibvirtException>(() => stream.Send("x"u8));

        Assert.Equal(LibvirtErrorCode.InvalidStream, error.Code);
    }
}
