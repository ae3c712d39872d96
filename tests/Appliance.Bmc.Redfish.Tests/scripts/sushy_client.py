"""Drives the BMC with sushy (OpenStack Ironic's Redfish library) and prints what it saw as JSON.

usage: sushy_client.py URL USER PASSWORD COMMAND [ARGS...]
  show                           system identity, power state and boot settings
  reset TYPE                     System.reset_system(TYPE)
  boot TARGET ENABLED MODE       System.set_system_boot_options(...)
  inventory                      System.processors (members and summary) and System.memory_summary
"""
import json
import os
import sys
import warnings

# requests lets a CA bundle named in the environment override a session's verify=False; the
# BMC's certificate is self-signed, so the bundle must not apply here.
for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(variable, None)

import sushy  # noqa: E402

warnings.filterwarnings("ignore")


def main():
    url, user, password, command, *args = sys.argv[1:]
    root = sushy.Sushy(url, username=user, password=password, verify=False)
    system = root.get_system("/redfish/v1/Systems/system")
    if command == "show":
        pass
    elif command == "reset":
        system.reset_system(sushy.ResetType(args[0]))
    elif command == "boot":
        system.set_system_boot_options(target=sushy.BootSource(args[0]),
                                       enabled=sushy.BootSourceOverrideEnabled(args[1]),
                                       mode=sushy.BootSourceOverrideMode(args[2]))
        system.refresh()
    elif command == "inventory":
        processors = system.processors
        summary = processors.summary
        print(json.dumps({
            "processors": [{
                "identity": p.identity,
                "socket": p.socket,
                "processor_type": str(p.processor_type),
                "processor_architecture": str(p.processor_architecture),
                "instruction_set": str(p.instruction_set),
                "manufacturer": p.manufacturer,
                "model": p.model,
                "max_speed_mhz": p.max_speed_mhz,
                "total_cores": p.total_cores,
                "total_threads": p.total_threads,
                "state": str(p.status.state) if p.status else None,
                "effective_model": p.processor_id.effective_model if p.processor_id else None,
            } for p in processors.get_members()],
            "summary_count": summary.count,
            "summary_architecture": str(summary.architecture),
            "memory_gib": system.memory_summary.size_gib if system.memory_summary else None,
        }))
        return
    else:
        raise SystemExit("unknown command " + command)
    print(json.dumps({
        "identity": system.identity,
        "uuid": system.uuid,
        "power_state": str(system.power_state),
        "boot_target": str(system.boot.target),
        "boot_enabled": str(system.boot.enabled),
        "boot_mode": str(system.boot.mode),
        "allowed_resets": sorted(str(v) for v in system.get_allowed_reset_system_values()),
        "manager": root.get_manager("/redfish/v1/Managers/bmc").identity,
        "chassis": [c.identity for c in root.get_chassis_collection().get_members()],
        "redfish_version": root.redfish_version,
    }))


if __name__ == "__main__":
    main()
