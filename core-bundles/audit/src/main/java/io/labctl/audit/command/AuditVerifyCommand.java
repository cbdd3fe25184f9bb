package io.labctl.audit.command;

import io.labctl.api.audit.AuditVerifier;
import io.labctl.protocol.access.AuditVerification;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:audit-verify: walks the audit hash chains, as GET /api/v1/audit/verify (read). */
@Service
@Command(scope = "lab", name = "audit-verify",
        description = "Check the audit log's hash chains for changed or missing rows.")
public class AuditVerifyCommand extends LabCommand {
    @Reference(optional = true)
    AuditVerifier verifier;

    public AuditVerifyCommand() {
        super("shell.audit.verify", false);
    }

    @Override
    protected String resource() {
        return "/v1/audit/verify";
    }

    @Override
    protected void run(PrintStream out) {
        AuditVerification v = need(verifier, AUDIT).verify(caller());
        String checked = v.rowsChecked() + " row(s) in " + v.chains() + " chain(s)";
        if (v.intact()) {
            out.println("Audit log intact: " + checked + " checked.");
        } else {
            out.println("Audit log BROKEN at instance " + v.instance() + ", seq " + v.seq() + ": " + v.problem()
                    + " (" + checked + " checked).");
        }
    }
}
