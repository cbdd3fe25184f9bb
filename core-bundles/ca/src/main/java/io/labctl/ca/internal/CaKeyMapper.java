package io.labctl.ca.internal;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** MyBatis mapper over {@code ca_keys}. */
public interface CaKeyMapper {

    @Select("SELECT name, certificate_pem, sealed_key, key_check FROM ca_keys WHERE name = #{name}")
    CaKeyRow find(@Param("name") String name);

    // Two labd instances starting at once on an empty database both try; the unique name lets one win quietly.
    @Insert("INSERT INTO ca_keys (name, certificate_pem, sealed_key, key_check) "
            + "VALUES (#{name}, #{certificatePem}, #{sealedKey}, #{keyCheck}) ON CONFLICT (name) DO NOTHING")
    int insertIfAbsent(CaKeyRow row);
}
