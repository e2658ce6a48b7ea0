package dev.oidcsso.demo;

import java.time.Instant;
import java.util.Objects;

/**
 * One tracked experiment.
 *
 * @param id          the store's identifier, a decimal number as text (stable across stores)
 * @param name        the unique name; later the resource name that permission rules match
 * @param description free text, empty when none was given
 * @param createdBy   the user name of the creator (who will get MANAGE once permissions arrive)
 * @param createdAt   when it was created
 * @param updatedAt   when it was last changed
 */
public record Experiment(String id, String name, String description, String createdBy, Instant createdAt, Instant updatedAt) {

    /**
     * Checks that no component is null, so readers never have to.
     *
     * @param id          the identifier
     * @param name        the name
     * @param description the description
     * @param createdBy   the creator
     * @param createdAt   the creation time
     * @param updatedAt   the last change
     */
    public Experiment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
