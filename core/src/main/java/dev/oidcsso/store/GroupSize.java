package dev.oidcsso.store;

/**
 * A known group and how many users its last login put in it.
 *
 * @param name    the group name
 * @param members the number of members
 */
public record GroupSize(String name, int members) {
}
