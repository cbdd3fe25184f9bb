package io.labctl.provisioning.internal;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

public interface MachineMapper {
    String COLUMNS = "mac, state, hostname, role, mode, disk, environment, bastion, CAST(facts AS TEXT) AS facts,"
            + " CAST(token_id AS TEXT) AS token_id, first_seen, last_seen, planned_by, planned_at, installed_at";

    @Select("SELECT " + COLUMNS + " FROM machines ORDER BY coalesce(hostname, ''), mac LIMIT 100000")
    List<MachineRow> all();

    /** FOR UPDATE: a plan, a boot and an installer call for one MAC are serialized on its row. */
    @Select("SELECT " + COLUMNS + " FROM machines WHERE mac = #{mac} FOR UPDATE")
    MachineRow lock(@Param("mac") String mac);

    @Select("SELECT " + COLUMNS + " FROM machines WHERE mac = #{mac}")
    MachineRow byMac(@Param("mac") String mac);

    @Select("SELECT count(*) FROM machines WHERE state = 'discovered'")
    long countDiscovered();

    @Select("SELECT " + COLUMNS + " FROM machines WHERE hostname = #{hostname}")
    MachineRow byHostname(@Param("hostname") String hostname);

    @Insert("INSERT INTO machines (mac, state, hostname, role, mode, disk, environment, bastion, facts, token_id,"
            + " first_seen, last_seen, planned_by, planned_at, installed_at) VALUES (#{mac}, #{state}, #{hostname},"
            + " #{role}, #{mode}, #{disk}, #{environment}, #{bastion}, #{facts}, CAST(#{tokenId} AS UUID), #{firstSeen},"
            + " #{lastSeen}, #{plannedBy}, #{plannedAt}, #{installedAt})")
    void insert(MachineRow row);

    @Update("UPDATE machines SET state = #{state}, hostname = #{hostname}, role = #{role}, mode = #{mode},"
            + " disk = #{disk}, environment = #{environment}, bastion = #{bastion}, facts = #{facts},"
            + " token_id = CAST(#{tokenId} AS UUID), first_seen = #{firstSeen}, last_seen = #{lastSeen},"
            + " planned_by = #{plannedBy}, planned_at = #{plannedAt}, installed_at = #{installedAt}, updated_at = now()"
            + " WHERE mac = #{mac}")
    int update(MachineRow row);

    @Delete("DELETE FROM machines WHERE mac = #{mac}")
    int delete(@Param("mac") String mac);
}
