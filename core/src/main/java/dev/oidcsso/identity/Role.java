package dev.oidcsso.identity;

/** What a signed-in user may be in the application. */
public enum Role {
    /** A member of an admin group: may do everything. */
    ADMIN,
    /** A member of a user group: may use the application within the permissions granted. */
    USER
}
