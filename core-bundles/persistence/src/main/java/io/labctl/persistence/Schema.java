package io.labctl.persistence;

/**
 * One capability's schema, migrated and current. The persistence bundle registers one per bundle that declares
 * {@code Labctl-Schema: <capability>}, with the service properties {@value #CAPABILITY} (the capability's name) and
 * {@value #VERSION} (the version its own migration history reached), once that bundle's migrations ran. A failed
 * migration registers none, and the service goes away when the bundle stops or is uninstalled (its data stays).
 *
 * <p>A capability's components that touch its tables take it as a mandatory constructor reference,
 * {@code @Reference(target = "(labctl.schema=tokens)") Schema schema}, so they activate only on a current schema.
 * {@link #sessions} is the same as {@link Database#sessions}: a component may use either.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Schema {
    /** Service property: the capability's name, as in its {@code Labctl-Schema} header. */
    String CAPABILITY = "labctl.schema";
    /** Service property: the schema version the capability's migration history reached. */
    String VERSION = "labctl.schema.version";

    /** The capability's name ({@code tokens}). */
    String capability();

    /** The version its migration history reached ({@code 1}). */
    String version();

    /** Sessions over the capability's MyBatis mappers; they join {@link Database#transaction} like any others. */
    Sessions sessions(Class<?>... mappers);
}
