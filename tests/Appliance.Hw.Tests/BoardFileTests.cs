using Appliance.Hw.Boards;

namespace Appliance.Hw.Tests;

public class BoardFileTests
{
    [Fact]
    public void Hc1_loads_with_the_parts_the_product_needs()
    {
        BoardDescription board = BoardFile.Load(Repo.Hc1);

        Assert.Equal("hc1", board.Model);
        Assert.True(board.Sensors.Count(s => s.Kind == SensorKind.Temperature) >= 4);
        Assert.True(board.Devices.Where(d => d.Chip is ChipKind.Lm75 or ChipKind.Mcp9808 or ChipKind.Tmp102).Select(d => d.Chip).Distinct().Count() >= 2);
        Assert.Contains(board.Devices, d => d.Chip == ChipKind.Ina219);
        Assert.True(board.Fans.Count >= 4);
        Assert.Equal(200, board.PowerTiming.PowerPulseMs);
        Assert.Equal(15000, board.PowerTiming.ForceOffPulseMs);
        Assert.Equal(500, board.PowerTiming.ResetPulseMs);
        Assert.Equal(5000, board.PowerTiming.PowerCycleMs);
        Assert.Equal(8000, board.PowerTiming.PsPowerOkWatchdogMs);
        Assert.Equal(300, board.PowerTiming.GracefulPowerOffS);
    }

    [Theory]
    [InlineData("\"device\": \"cpu0_temp\"", "\"device\": \"cpu9_temp\"", "$.sensors[2].device", "\"cpu9_temp\"")]
    [InlineData("\"address\": \"0x49\" },\n    { \"name\": \"cpu0_temp\"", "\"address\": \"0x99\" },\n    { \"name\": \"cpu0_temp\"", "$.devices[1].address", "0x99")]
    [InlineData("\"kind\": \"Temperature\", \"device\": \"inlet_temp\", \"unit\": \"Cel\"", "\"kind\": \"Temperature\", \"device\": \"inlet_temp\", \"unit\": \"F\"", "$.sensors[0].unit", "\"F\"")]
    [InlineData("\"kind\": \"Temperature\", \"device\": \"inlet_temp\"", "\"kind\": \"Humidity\", \"device\": \"inlet_temp\"", "$.sensors[0].kind", "\"Humidity\"")]
    [InlineData("\"upperNonCritical\": 85, \"upperCritical\": 95", "\"upperNonCritical\": 85, \"upperCritical\": 80", "$.sensors[2].thresholds.upperCritical", "80")]
    [InlineData("\"powerPulseMs\": 200", "\"powerPulseMs\": \"fast\"", "$.powerTiming.powerPulseMs", "\"fast\"")]
    [InlineData("\"powerPulseMs\": 200", "\"powerPulseMs\": 200, \"colour\": \"blue\"", "$.powerTiming.colour", "\"blue\"")]
    [InlineData("\"physicalContext\": \"Exhaust\"", "\"physicalContext\": \"Attic\"", "$.sensors[1].physicalContext", "\"Attic\"")]
    [InlineData("\"fans\": [ \"Fan1\", \"Fan2\"", "\"fans\": [ \"Fan9\", \"Fan2\"", "$.zones[0].fans[0]", "\"Fan9\"")]
    [InlineData("\"sensorPollMs\": 250,", "\"sensorPollMs\": 250, \"serialConsole\": { \"device\": \"/dev/ttyS2\", \"baudRate\": 1200 },", "$.serialConsole.baudRate", "1200")]
    [InlineData("\"sensorPollMs\": 250,", "\"sensorPollMs\": 250, \"serialConsole\": { \"device\": \"ttyS2\" },", "$.serialConsole.device", "\"ttyS2\"")]
    public void A_wrong_board_file_names_the_file_the_path_and_the_value(string good, string bad, string path, string value)
    {
        string json = File.ReadAllText(Repo.Hc1);
        Assert.Contains(good, json);
        string broken = json.Replace(good, bad);

        var error = Assert.Throws<BoardFileException>(() => BoardFile.Parse(broken, "boards/broken.json"));

        Assert.Equal("boards/broken.json", error.File);
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(value, error.Value);
        Assert.StartsWith($"boards/broken.json: {path}: ", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<BoardFileException>(() => BoardFile.Load("/nonexistent/board.json"));
        Assert.Contains("/nonexistent/board.json", error.Message);
    }

    [Fact]
    public void A_missing_required_line_is_named()
    {
        string json = File.ReadAllText(Repo.Hc1).Replace("\"PS_PWROK\"", "\"PSU_GOOD\"");
        var error = Assert.Throws<BoardFileException>(() => BoardFile.Parse(json, "x.json"));
        Assert.Equal("$.gpio.lines", error.JsonPath);
        Assert.Equal("\"PS_PWROK\"", error.Value);
    }
}
