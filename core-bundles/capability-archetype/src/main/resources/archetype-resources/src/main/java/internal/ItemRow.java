package ${package}.internal;

import java.time.Instant;

/** A row of ${capability}_items as MyBatis maps it (columns in snake_case, fields in camelCase). */
public class ItemRow {
    public String name;
    public String value;
    public String updatedBy;
    public Instant updatedAt;

    Item toItem() {
        return new Item(name, value, updatedBy, updatedAt);
    }
}
