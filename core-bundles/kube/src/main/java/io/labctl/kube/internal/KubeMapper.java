package io.labctl.kube.internal;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

public interface KubeMapper {
    String CLUSTER = "name, environment, cloud, server, context, auth, sealed, added_by, added_at, impersonate";

    /** 1 when inserted, 0 when the name is taken. */
    @Insert("INSERT INTO kube_clusters (name, environment, cloud, server, context, auth, sealed, added_by, impersonate)"
            + " VALUES (#{name}, #{environment}, #{cloud}, #{server}, #{context}, #{auth}, #{sealed}, #{addedBy},"
            + " #{impersonate})"
            + " ON CONFLICT (name) DO NOTHING")
    int insertCluster(ClusterRow row);

    @Select("SELECT " + CLUSTER + " FROM kube_clusters WHERE name = #{name}")
    ClusterRow cluster(@Param("name") String name);

    @Select("SELECT " + CLUSTER + " FROM kube_clusters ORDER BY name")
    List<ClusterRow> clusters();

    @Delete("DELETE FROM kube_clusters WHERE name = #{name}")
    int deleteCluster(@Param("name") String name);

    @Select("SELECT count(*) FROM kube_clusters WHERE environment = #{env}")
    long countIn(@Param("env") String environment);

    @Select("SELECT name FROM kube_clusters WHERE environment = #{env} ORDER BY name LIMIT #{limit}")
    List<String> namesIn(@Param("env") String environment, @Param("limit") int limit);
}
