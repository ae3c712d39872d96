using System.Runtime.InteropServices;
using Appliance.Bmc;
using Appliance.Hw.Boards;

BmcOptions options;
try
{
    options = BmcOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"appliance-bmc: {e.Message}");
    Console.Error.WriteLine(BmcOptions.Usage);
    return 2;
}

var lifetime = new BmcLifetime();
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; lifetime.RequestStop(); });
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; lifetime.RequestStop(); });
try
{
    return await BmcProcess.RunAsync(options, lifetime);
}
catch (BoardFileException e)
{
    Console.Error.WriteLine($"appliance-bmc: board file: {e.Message}");
    return 2;
}
