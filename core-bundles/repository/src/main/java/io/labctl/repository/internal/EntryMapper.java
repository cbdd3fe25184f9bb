package io.labctl.repository.internal;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

public interface EntryMapper {
    String COLUMNS = "id, name, version, kind, sha256, size, file_name, descriptor, uploaded_by, uploaded_at";

    /** 1 when inserted (id set), 0 when NAME/VERSION exists already (another push got there first). */
    @Insert("INSERT INTO repo_entries (name, version, kind, sha256, size, file_name, descriptor, uploaded_by)"
            + " VALUES (#{name}, #{version}, #{kind}, #{sha256}, #{size}, #{fileName}, #{descriptor}, #{uploadedBy})"
            + " ON CONFLICT (name, version) DO NOTHING")
    @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
    int insert(EntryRow row);

    @Insert("INSERT INTO repo_chunks (entry_id, seq, data) VALUES (#{entryId}, #{seq}, #{data})")
    void insertChunk(@Param("entryId") long entryId, @Param("seq") int seq, @Param("data") byte[] data);

    @Select("SELECT " + COLUMNS + " FROM repo_entries WHERE name = #{name} AND version = #{version}")
    EntryRow find(@Param("name") String name, @Param("version") String version);

    @Select("SELECT " + COLUMNS + " FROM repo_entries WHERE name = #{name}")
    List<EntryRow> versionsOf(@Param("name") String name);

    @Select("SELECT " + COLUMNS + " FROM repo_entries ORDER BY name, uploaded_at")
    List<EntryRow> all();

    /** One chunk's bytes, or null when there is no such chunk (the entry was removed meanwhile). */
    @Select("SELECT data FROM repo_chunks WHERE entry_id = #{entryId} AND seq = #{seq}")
    ChunkRow chunk(@Param("entryId") long entryId, @Param("seq") int seq);

    @Delete("DELETE FROM repo_entries WHERE id = #{id}")
    int delete(@Param("id") long id);
}
