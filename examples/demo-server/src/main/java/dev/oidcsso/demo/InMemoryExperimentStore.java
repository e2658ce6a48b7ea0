package dev.oidcsso.demo;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments in this process's memory, lost at exit. Every method holds one lock: the store is tiny
 * and the lock makes name uniqueness and id order trivially correct under concurrent requests.
 */
public final class InMemoryExperimentStore implements ExperimentStore {

    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, Experiment> byId = new LinkedHashMap<>();
    private final Map<String, String> idByName = new HashMap<>();
    private long lastId;

    /** An empty store on the system clock. */
    public InMemoryExperimentStore() {
        this(Clock.systemUTC());
    }

    /**
     * An empty store.
     *
     * @param clock the clock that stamps creation and change times
     */
    public InMemoryExperimentStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<Experiment> list() {
        synchronized (lock) {
            return List.copyOf(byId.values());
        }
    }

    @Override
    public Optional<Experiment> find(String id) {
        synchronized (lock) {
            return Optional.ofNullable(byId.get(id));
        }
    }

    @Override
    public Experiment create(String name, String description, String creator) {
        synchronized (lock) {
            if (idByName.containsKey(name)) {
                throw new NameTakenException(name);
            }
            String id = Long.toString(++lastId);
            var now = clock.instant();
            Experiment experiment = new Experiment(id, name, description, creator, now, now);
            byId.put(id, experiment);
            idByName.put(name, id);
            return experiment;
        }
    }

    @Override
    public Optional<Experiment> update(String id, String name, String description) {
        synchronized (lock) {
            Experiment old = byId.get(id);
            if (old == null) {
                return Optional.empty();
            }
            String holder = idByName.get(name);
            if (holder != null && !holder.equals(id)) {
                throw new NameTakenException(name);
            }
            Experiment changed = new Experiment(id, name, description, old.createdBy(), old.createdAt(), clock.instant());
            idByName.remove(old.name());
            idByName.put(name, id);
            byId.put(id, changed);
            return Optional.of(changed);
        }
    }

    @Override
    public boolean delete(String id) {
        synchronized (lock) {
            Experiment removed = byId.remove(id);
            if (removed == null) {
                return false;
            }
            idByName.remove(removed.name());
            return true;
        }
    }
}
