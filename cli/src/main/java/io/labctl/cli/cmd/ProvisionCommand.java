package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.MachinePrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.MachineRole;
import io.labctl.protocol.provision.Macs;
import io.labctl.protocol.provision.PlanRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "provision", mixinStandardHelpOptions = true,
        description = {"PXE provisioning of bare-metal machines by MAC, through a bastion.", "",
                "A machine that PXE-boots from a bastion and has no plan is 'discovered': it waits in a loop,",
                "re-asking every few seconds, until you plan it. 'install' wipes the planned disk; 'reprovision'",
                "reinstalls an installed machine keeping /home, /srv and its data volume. After the installer",
                "reports success the machine boots from its disk and enrols with labd by itself.", "",
                "Examples:",
                "  labctl provision list",
                "  labctl provision install 52:54:00:ab:cd:ef node1 --role worker",
                "  labctl provision install 52:54:00:ab:cd:ef node1 --role infra --disk ata-SAMSUNG_SSD_1234",
                "  labctl provision reprovision 52:54:00:ab:cd:ef node1 --role worker",
                "  labctl provision forget 52:54:00:ab:cd:ef"},
        subcommands = {ProvisionCommand.ListMachines.class, ProvisionCommand.Install.class,
                ProvisionCommand.Reprovision.class, ProvisionCommand.Forget.class})
public final class ProvisionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: one of list, install, reprovision, forget");
    }

    static String mac(LabdCommand cmd, String mac) {
        try {
            return Macs.normalize(mac);
        } catch (IllegalArgumentException e) {
            throw cmd.usage(e.getMessage());
        }
    }

    @Command(name = "list", aliases = {"ls"}, mixinStandardHelpOptions = true,
            description = {"List machines the bastions saw boot or that are planned: discovered, planned, installing,",
                    "installed.", "",
                    "Examples:",
                    "  labctl provision list",
                    "  labctl provision list -o wide     # adds the disk, bastion, who planned it and the facts",
                    "  labctl provision list -o json"})
    static final class ListMachines extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        ListMachines(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            GetCommand.list(this, output, Api.MACHINES, MachineInfo.class, "machines",
                    (machines, wide) -> MachinePrinter.table(machines, wide, cli.now()));
            return ExitCodes.OK;
        }
    }

    /** install and reprovision: the same plan, one flag apart. */
    abstract static class Plan extends LabdCommand {
        @Parameters(index = "0", paramLabel = "MAC", description = "The machine's MAC, e.g. 52:54:00:ab:cd:ef.")
        String mac;

        @Parameters(index = "1", paramLabel = "HOSTNAME", description = "Its host name, also its server name in labctl.")
        String hostname;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "worker or infra (the disk layout and k3s role).")
        String role;

        @Option(names = "--disk", paramLabel = "DISK",
                description = "Target disk as a /dev/disk/by-id name; default: the first non-removable disk the machine reported.")
        String disk;

        Plan(Cli cli) {
            super(cli);
        }

        abstract boolean reprovision();

        @Override
        public Integer call() {
            String m = mac(this, mac);
            if (disk != null && disk.isBlank()) {
                throw usage("--disk is empty; name the disk to wipe, or leave --disk out for the first one the machine reported");
            }
            try {
                Names.require("hostname", hostname);
                MachineRole.parse(role);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            MachineInfo planned = client().post(Api.MACHINES + "/" + m + "/plan",
                    new PlanRequest(hostname, role, disk, reprovision()), MachineInfo.class);
            cli.out().println("machine/" + planned.mac() + " planned: " + planned.mode() + " as " + planned.hostname()
                    + " (" + planned.role() + ", disk " + (planned.disk() == null ? "first reported" : planned.disk())
                    + "); it installs on its next PXE boot");
            cli.out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Plan a fresh install: on its next PXE boot the machine installs the OS with the role's disk",
                    "layout, WIPING the target disk (only that disk), then enrols with labd as HOSTNAME.", "",
                    "Examples:",
                    "  labctl provision install 52:54:00:ab:cd:ef node1 --role worker",
                    "  labctl provision install 52-54-00-ab-cd-ef node2 --role infra --disk nvme-Samsung_SSD_980_S64"})
    static final class Install extends Plan {
        Install(Cli cli) {
            super(cli);
        }

        @Override
        boolean reprovision() {
            return false;
        }
    }

    @Command(name = "reprovision", mixinStandardHelpOptions = true,
            description = {"Plan a reinstall of an installed machine that keeps its data: the LVM volume group is reused,",
                    "/home, /srv and the data volume (/var/lib/longhorn or /var/lib/rancher) are kept, the rest is",
                    "reformatted. The machine's old agent identity is revoked when the installer starts.", "",
                    "Examples:",
                    "  labctl provision reprovision 52:54:00:ab:cd:ef node1 --role worker"})
    static final class Reprovision extends Plan {
        Reprovision(Cli cli) {
            super(cli);
        }

        @Override
        boolean reprovision() {
            return true;
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = {"Forget a machine: its plan, discovery facts and unused installer token. If it boots again it",
                    "is discovered afresh. Does not touch an enrolled server (see 'labctl delete server/NAME').", "",
                    "Examples:",
                    "  labctl provision forget 52:54:00:ab:cd:ef"})
    static final class Forget extends LabdCommand {
        @Parameters(paramLabel = "MAC", description = "The machine's MAC.")
        String mac;

        Forget(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String m = mac(this, mac);
            client().delete(Api.MACHINES + "/" + m, MachineInfo.class);
            cli.out().println("machine/" + m + " forgotten");
            cli.out().flush();
            return ExitCodes.OK;
        }
    }
}
