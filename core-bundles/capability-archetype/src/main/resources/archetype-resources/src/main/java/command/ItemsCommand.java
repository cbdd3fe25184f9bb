package ${package}.command;

import ${package}.internal.Item;
import ${package}.internal.ItemStore;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:${capability}-items on labd's Karaf shell: what GET /api/v1/${capability}/items returns, with the same check. */
@Service
@Command(scope = "lab", name = "${capability}-items", description = "Lists the ${capability} items")
public class ItemsCommand extends LabCommand {
    @Reference
    ItemStore store;

    public ItemsCommand() {
        super("shell.${capability}.item.list", false);
    }

    @Override
    protected String resource() {
        return "/v1/${capability}/items";
    }

    @Override
    protected void run(PrintStream out) {
        require(Permission.everywhere(Action.READ));
        for (Item item : store.list()) {
            out.println(item.name() + "\t" + item.value() + "\t" + item.updatedBy());
        }
    }
}
