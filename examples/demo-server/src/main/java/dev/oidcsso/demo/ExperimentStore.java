package dev.oidcsso.demo;

import java.util.List;
import java.util.Optional;

/**
 * Where experiments (and, with the same shape, registered models) are kept: {@link JdbcExperimentStore}
 * in the database oidc-sso uses, so replicas share them, or {@link InMemoryExperimentStore} for
 * unit tests. Implementations are thread-safe. The store knows nothing of permissions: it records the creator, and deciding who may
 * see or change what is the caller's business.
 */
public interface ExperimentStore {

    /**
     * Every experiment, oldest first.
     *
     * @return the experiments
     */
    List<Experiment> list();

    /**
     * One experiment.
     *
     * @param id the identifier
     * @return the experiment, or empty when there is none with this id
     */
    Optional<Experiment> find(String id);

    /**
     * Creates an experiment.
     *
     * @param name        a unique, already validated name
     * @param description the description, empty for none
     * @param creator     the user name of the creator
     * @return the new experiment
     * @throws NameTakenException when another experiment has this name
     */
    Experiment create(String name, String description, String creator);

    /**
     * Replaces the name and description of an experiment.
     *
     * @param id          the identifier
     * @param name        the new, already validated name
     * @param description the new description, empty for none
     * @return the changed experiment, or empty when there is none with this id
     * @throws NameTakenException when another experiment has this name
     */
    Optional<Experiment> update(String id, String name, String description);

    /**
     * Deletes an experiment.
     *
     * @param id the identifier
     * @return whether there was one to delete
     */
    boolean delete(String id);

    /**
     * Another experiment already has the requested name; names are unique because they identify
     * experiments to people and, later, to permission rules.
     */
    final class NameTakenException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param name the name that is taken
         */
        public NameTakenException(String name) {
            this("experiment", name);
        }

        /**
         * Creates the exception for any kind of item.
         *
         * @param kind what the store keeps, for example {@code registered model}
         * @param name the name that is taken
         */
        public NameTakenException(String kind, String name) {
            super("A" + (kind.matches("[aeiou].*") ? "n " : " ") + kind + " named '" + name + "' already exists.");
        }
    }
}
