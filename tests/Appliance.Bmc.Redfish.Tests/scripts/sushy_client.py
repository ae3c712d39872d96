"""Drives the BMC with sushy (OpenStack Ironic's Redfish library) and prints what it saw as JSON.

usage: sushy_client.py URL USER PASSWORD COMMAND [ARGS...]
  show                           system identity, power state and boot settings
  reset TYPE                     System.reset_system(TYPE)
  boot TARGET ENABLED MODE       System.set_system_boot_options(...)
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
