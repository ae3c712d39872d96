using Appliance.Node.Images;

namespace Appliance.Node.Tests;

public class OvfEnvelopeTests
{
    private const string Envelope = """
        <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/2" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/2"
                  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
                  xmlns:epasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData">
          <References>
            <File ovf:id="f1" ovf:href="boot.vmdk"/>
            <File ovf:id="f2" ovf:href="data.vmdk" ovf:compression="gzip"/>
          </References>
          <DiskSection>
            <Disk ovf:diskId="d1" ovf:fileRef="f1" ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^30"/>
            <Disk ovf:diskId="d2" ovf:fileRef="f2" ovf:capacity="500" ovf:capacityAllocationUnits="byte * 10^6"/>
          </DiskSection>
          <VirtualSystem ovf:id="web">
            <Name>Web Server 1</Name>
            <VirtualHardwareSection>
              <Item><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>4</rasd:VirtualQuantity><rasd:InstanceID>1</rasd:InstanceID></Item>
              <Item><rasd:ResourceType>4</rasd:ResourceType><rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits><rasd:VirtualQuantity>2</rasd:VirtualQuantity><rasd:InstanceID>2</rasd:InstanceID></Item>
              <Item><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>ovf:/disk/d2</rasd:HostResource><rasd:InstanceID>3</rasd:InstanceID></Item>
              <Item><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID></Item>
              <EthernetPortItem><epasd:ResourceType>10</epasd:ResourceType><epasd:Connection>Front</epasd:Connection><epasd:InstanceID>5</epasd:InstanceID></EthernetPortItem>
              <EthernetPortItem><epasd:ResourceType>10</epasd:ResourceType><epasd:Connection>Back</epasd:Connection><epasd:InstanceID>6</epasd:InstanceID></EthernetPortItem>
            </VirtualHardwareSection>
          </VirtualSystem>
        </Envelope>
        """;

    [Fact]
    public void Cpus_memory_disks_and_networks_come_from_the_descriptor()
    {
        var ovf = OvfEnvelope.Parse(Envelope);

        Assert.Equal("Web Server 1", ovf.Name);
        Assert.Equal(4, ovf.Vcpus);
        Assert.Equal(2048, ovf.MemoryMiB);
        Assert.Equal(["d2", "d1"], ovf.Disks.Select(d => d.DiskId)); // in the order the hardware attaches them
        Assert.Equal(500_000_000, ovf.Disks[0].CapacityBytes);
        Assert.Equal("gzip", ovf.Disks[0].Compression);
        Assert.Equal(8L << 30, ovf.Disks[1].CapacityBytes);
        Assert.Equal("boot.vmdk", ovf.Disks[1].File);
        Assert.Equal(["Front", "Back"], ovf.Networks);
    }

    [Theory]
    [InlineData("byte", 1)]
    [InlineData("byte * 2^20", 1048576)]
    [InlineData("byte*10^3", 1000)]
    [InlineData("MegaBytes", 1048576)]
    public void Allocation_units_follow_the_dmtf_notation(string unit, long bytes) =>
        Assert.Equal(bytes, (long)OvfEnvelope.UnitBytes(unit));

    [Theory]
    [InlineData("<Envelope/>", "no <VirtualSystem>")]
    [InlineData("<NotOvf/>", "no <Envelope>")]
    [InlineData("<Envelope><oops></Envelope>", "not well-formed")]
    public void Broken_descriptors_say_what_is_wrong(string xml, string message)
    {
        var error = Assert.Throws<OvfException>(() => OvfEnvelope.Parse(xml));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_file_reference_outside_the_package_is_refused()
    {
        string evil = Envelope.Replace("ovf:href=\"boot.vmdk\"", "ovf:href=\"../../etc/shadow\"");

        var error = Assert.Throws<OvfException>(() => OvfEnvelope.Parse(evil));

        Assert.Contains("plain file names", error.Message);
    }

    [Fact]
    public void A_disk_item_pointing_at_an_undefined_disk_is_refused()
    {
        string broken = Envelope.Replace("ovf:/disk/d2", "ovf:/disk/d9");

        var error = Assert.Throws<OvfException>(() => OvfEnvelope.Parse(broken));

        Assert.Contains("ovf:/disk/d9", error.Message);
    }
}
