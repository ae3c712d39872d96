using System.Text.Json;
using Appliance.Hw.Remote;

namespace Appliance.Hw.Sim.Remote;

/// <summary>
/// The operator's side of a board process's control requests (<see cref="BoardProtocol.Control"/>),
/// on a <see cref="BoardClient"/>: kept with the simulator, since only a simulated board has them.
/// </summary>
public static class SimControlClient
{
    public static SimControlResponse Control(this BoardClient board, SimControlRequest request)
    {
        byte[] reply = board.Call(BoardProtocol.Control, JsonSerializer.SerializeToUtf8Bytes(request, SimControlJson.Default.SimControlRequest));
        return JsonSerializer.Deserialize(reply, SimControlJson.Default.SimControlResponse)!;
    }

    public static SimControlResponse Status(this BoardClient board) => board.Control(new SimControlRequest { Command = "status" });
}
