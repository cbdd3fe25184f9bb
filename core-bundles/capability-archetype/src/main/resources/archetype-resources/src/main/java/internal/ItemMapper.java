#set( $symbol_pound = '#' )
package ${package}.internal;

import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;

/** SQL on this capability's own table, created by db/${capability}/V1__items.sql. */
public interface ItemMapper {
    @Select("SELECT name, value, updated_by, updated_at FROM ${capability}_items ORDER BY name LIMIT 10000")
    List<ItemRow> all();

    @Insert("INSERT INTO ${capability}_items (name, value, updated_by) VALUES (${symbol_pound}{name}, ${symbol_pound}{value}, ${symbol_pound}{updatedBy})"
            + " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()")
    void put(ItemRow row);
}
