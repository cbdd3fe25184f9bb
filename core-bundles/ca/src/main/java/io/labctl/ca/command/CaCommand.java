package io.labctl.ca.command;

import io.labctl.api.CertificateAuthority;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.security.cert.X509Certificate;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:ca: labd's CA certificate: what join tokens pin and when it ends (read). */
@Service
@Command(scope = "lab", name = "ca", description = "Show labd's certificate authority: subject, SHA-256 pin, expiry.")
public class CaCommand extends LabCommand {
    @Reference(optional = true)
    CertificateAuthority ca;

    public CaCommand() {
        super("shell.ca.show", false);
    }

    @Override
    protected String resource() {
        return "ca";
    }

    @Override
    protected void run(PrintStream out) {
        CertificateAuthority authority = need(ca, CA);
        require(Permission.everywhere(Action.READ));
        X509Certificate cert = authority.caCertificate();
        out.println("Subject:    " + cert.getSubjectX500Principal().getName());
        out.println("SHA-256:    " + authority.caPin());
        out.println("Not after:  " + Table.stamp(cert.getNotAfter().toInstant()) + " ("
                + Table.relative(cert.getNotAfter().toInstant(), now()) + ")");
    }
}
