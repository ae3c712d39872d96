using System.Runtime.InteropServices;
using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

internal static unsafe class DomainStatsReader
{
    /// <summary>Copies a virDomainStatsRecord list and frees it.</summary>
    internal static IReadOnlyList<DomainStats> Read(VirDomainStatsRecord** records, int count)
    {
        try
        {
            var result = new List<DomainStats>(count);
            byte* uuid = stackalloc byte[48];
            for (int i = 0; i < count; i++)
            {
                VirDomainStatsRecord* record = records[i];
                string name = Marshal.PtrToStringUTF8(Native.virDomainGetName(record->Dom)) ?? "";
                string id = Native.virDomainGetUUIDString(record->Dom, uuid) == 0 ? Marshal.PtrToStringUTF8((nint)uuid)! : "";
                result.Add(new DomainStats(name, id, TypedParameters.Copy((VirTypedParameter*)record->Params, record->NParams)));
            }
            return result;
        }
        finally
        {
            Native.virDomainStatsRecordListFree(records);
        }
    }
}
