namespace Appliance.Bmc; public static class Program { public static int Main() => 0; }
