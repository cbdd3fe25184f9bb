package ${package}.internal;

import io.labctl.api.ApiException;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import java.util.List;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The ${capability} items in labd's database. It takes the capability's {@link Schema} so that it starts only once
 * labd has migrated db/${capability}/ (and never, if that migration failed).
 */
@Component(service = ItemStore.class)
public class ItemStore {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int MAX_VALUE = 4096;

    private final Sessions sessions;

    @Activate
    public ItemStore(@Reference Database database, @Reference(target = "(labctl.schema=${capability})") Schema schema) {
        this.sessions = database.sessions(ItemMapper.class);
    }

    public List<Item> list() {
        return sessions.mapper(ItemMapper.class, ItemMapper::all).stream().map(ItemRow::toItem).toList();
    }

    /** Creates or replaces an item; refuses a bad name or value with a message saying what is allowed. */
    public void put(String name, String value, String updatedBy) {
        check(name, value);
        ItemRow row = new ItemRow();
        row.name = name;
        row.value = value;
        row.updatedBy = updatedBy;
        sessions.mapper(ItemMapper.class, m -> {
            m.put(row);
            return null;
        });
    }

    static void check(String name, String value) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid-name", "item name '" + name + "' is not valid: use 1 to 63 lower-case"
                    + " letters, digits and '-', starting with a letter or digit");
        }
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE) {
            throw ApiException.badRequest("invalid-value", "an item's value must have 1 to " + MAX_VALUE + " characters");
        }
    }
}
