package dev.oidcsso.spring;

import dev.oidcsso.observe.SsoEvents;

import java.time.Duration;
import java.util.List;

/** Hands every event to each of several observers (the health tracker and the metrics). */
final class CompositeSsoEvents implements SsoEvents {

    private final List<SsoEvents> observers;

    CompositeSsoEvents(List<SsoEvents> observers) {
        this.observers = List.copyOf(observers);
    }

    static SsoEvents of(List<SsoEvents> observers) {
        return observers.size() == 1 ? observers.get(0) : new CompositeSsoEvents(observers);
    }

    @Override
    public void login(String outcome, String reason, Duration latency) {
        observers.forEach(o -> o.login(outcome, reason, latency));
    }

    @Override
    public void authentication(String method, String outcome) {
        observers.forEach(o -> o.authentication(method, outcome));
    }

    @Override
    public void providerFetch(String document, String outcome) {
        observers.forEach(o -> o.providerFetch(document, outcome));
    }

    @Override
    public void storeCall(String operation, String outcome, Duration latency) {
        observers.forEach(o -> o.storeCall(operation, outcome, latency));
    }

    @Override
    public void cacheLookup(String cache, boolean hit) {
        observers.forEach(o -> o.cacheLookup(cache, hit));
    }

    @Override
    public void sessionStarted() {
        observers.forEach(SsoEvents::sessionStarted);
    }

    @Override
    public void sessionEnded(String cause) {
        observers.forEach(o -> o.sessionEnded(cause));
    }
}
