package io.labctl.persistence.internal;

/** A capability's schema could not be brought current: what went wrong, and what the operator does about it. */
final class SchemaMigrationException extends RuntimeException {
    private final String remedy;

    SchemaMigrationException(String problem, String remedy) {
        this(problem, remedy, null);
    }

    SchemaMigrationException(String problem, String remedy, Throwable cause) {
        super(problem, cause);
        this.remedy = remedy;
    }

    String remedy() {
        return remedy;
    }
}
