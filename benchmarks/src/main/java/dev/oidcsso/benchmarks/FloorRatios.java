package dev.oidcsso.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Each figure beside its floor, measured in alternating short batches in one thread and timed by
 * that thread's CPU time, so that a machine shared with other work (which stretches wall-clock
 * figures by whatever else runs) still gives meaningful ratios. The JMH benchmarks measure the same
 * methods; this is their companion for noisy machines.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.FloorRatios [seconds-per-pair]
 * [bearer|bearer-request|bearer-request-h2|permissions|session]} (the last to run one group only)
 */
public final class FloorRatios {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FloorRatios() {
    }

    /**
     * Runs every pair and prints a table.
     *
     * @param args optional: seconds per pair (default 6), and one group to run alone
     * @throws Exception if a benchmark's setup fails
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 6;
        String only = args.length > 1 ? args[1] : "";
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-58s %12s %12s %8s", "figure (CPU time per operation, median of batches)", "figure",
                "floor", "ratio"));

        if (only.isEmpty() || only.equals("bearer")) {
            bearer(rows, seconds);
        }
        if (only.isEmpty() || only.equals("bearer-request")) {
            bearerRequest(rows, seconds, false);
        }
        if (only.isEmpty() || only.equals("bearer-request-h2")) {
            bearerRequest(rows, seconds, true);
        }
        if (only.isEmpty() || only.equals("permissions")) {
            permissions(rows, seconds);
        }
        if (only.isEmpty() || only.equals("session")) {
            session(rows, seconds);
        }
        System.out.println();
        rows.forEach(System.out::println);
    }

    private static void bearer(List<String> rows, double seconds) throws Exception {
        BearerBenchmark bearer = new BearerBenchmark();
        bearer.setUp();
        try {
            rows.add(row("bearer, same token repeated: oidc-sso vs Spring", bearer::oidcSsoRepeated, bearer::springRepeated, seconds,
                    "Spring"));
            rows.add(row("bearer, distinct tokens: oidc-sso vs RSA verify", bearer::oidcSsoDistinct, bearer::floorRsaVerify, seconds,
                    "RSA verify"));
            rows.add(row("bearer, distinct tokens, cache on: oidc-sso vs RSA verify", bearer::oidcSsoDistinctCacheOn,
                    bearer::floorRsaVerify, seconds, "RSA verify"));
            rows.add(row("bearer, distinct tokens: Spring vs RSA verify", bearer::springDistinct, bearer::floorRsaVerify, seconds,
                    "RSA verify"));
            rows.add(row("bearer, same token repeated: Spring vs RSA verify", bearer::springRepeated, bearer::floorRsaVerify, seconds,
                    "RSA verify"));
        } finally {
            bearer.tearDown();
        }
    }

    private static void bearerRequest(List<String> rows, double seconds, boolean withStore) throws Exception {
        // Every request needs a token never sent before. Half the time goes to the floor, and a request costs at least
        // the floor, 40 us or more on the machines this ran on: that many tokens suffice there; on a faster one the run
        // ends early, with fewer batches, and says how many.
        int warmUp = 15_000;
        int measured = (int) (seconds * 1e6 / 2 / 40);
        System.out.println("signing " + (warmUp + measured) + " tokens ...");
        try (BearerRequestBenchmark request = new BearerRequestBenchmark(warmUp + measured, withStore)) {
            for (int k = 0; k < warmUp; k++) {
                request.request(); // until the JIT has compiled the path; cycling tokens would warm the cache instead
            }
            rows.add(row("bearer request, distinct tokens, whole OidcSso.process" + (withStore ? ", H2 store" : "") + " vs RSA verify", request::request,
                    request::floorRsaVerify, seconds, "RSA verify", measured));
        }
    }

    private static void permissions(List<String> rows, double seconds) throws Exception {
        for (String scenario : List.of("ALL_IN_ONE_GROUP", "SPREAD", "CALLER_IN_ALL_GROUPS")) {
            PermissionBenchmark permissions = new PermissionBenchmark();
            permissions.scenario = scenario;
            permissions.setUp();
            rows.add(row("permission decision, " + scenario + " vs bare RE2/J loop", permissions::decide,
                    permissions::floorBareRe2Loop, seconds, "RE2 loop"));
            rows.add(perName("  per name p50/p99, " + scenario, permissions));
        }
    }

    private static void session(List<String> rows, double seconds) throws Exception {
        RequestPathBenchmark session = new RequestPathBenchmark();
        session.setUp();
        try {
            rows.add(row("session-cookie request vs AES-GCM open", session::sessionRequest, session::floorAesGcmOpen, seconds,
                    "AES-GCM"));
        } finally {
            session.tearDown();
        }
    }

    private static String row(String title, Callable<?> figure, Callable<?> floor, double seconds, String floorName) throws Exception {
        return row(title, figure, floor, seconds, floorName, Integer.MAX_VALUE);
    }

    private static String row(String title, Callable<?> figure, Callable<?> floor, double seconds, String floorName, int figureBudget)
            throws Exception {
        Comparison result = compare(figure, floor, seconds, figureBudget);
        String line = String.format(Locale.ROOT, "%-58s %9.2f us %9.2f us %7.3fx  (floor: %s; median of the %d pairs' ratios %.3fx)",
                title, result.figure(), result.floor(), result.figure() / result.floor(), floorName, result.pairs(), result.pairRatio());
        System.out.println(line);
        return line;
    }

    /**
     * The decision's CPU time for each of the scenario's names (the mean of repeated decisions on
     * that name), then the 50th and 99th percentile over the names: how the cost varies with the
     * name, without the scheduler's pauses a wall-clock percentile on a shared machine includes.
     */
    private static String perName(String title, PermissionBenchmark permissions) {
        double[] figure = new double[permissions.names()];
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (int i = 0; i < figure.length; i++) {
                int index = i;
                figure[i] = perOperation(() -> permissions.decide(index), 200);
            }
        }
        Arrays.sort(figure);
        String line = String.format(Locale.ROOT, "%-58s %9.2f us %9.2f us  (p50, p99 over the names)", title,
                figure[figure.length / 2], figure[(int) Math.ceil(0.99 * figure.length) - 1]);
        System.out.println(line);
        return line;
    }

    private static double perOperation(Callable<?> operation, int times) {
        try {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int k = 0; k < times; k++) {
                operation.call();
            }
            return (THREADS.getCurrentThreadCpuTime() - start) / 1_000.0 / times;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What {@link #compare} measured.
     *
     * @param figure    the figure's median CPU microseconds per operation
     * @param floor     the floor's
     * @param pairRatio the median ratio of a figure batch to the floor batch after it
     * @param pairs     how many pairs of batches were measured
     */
    private record Comparison(double figure, double floor, double pairRatio, int pairs) {
    }

    /**
     * The figure and its floor over alternating batches of about 50 ms each, calling the figure at
     * most {@code figureBudget} times (once its batches would pass that, the run ends early).
     */
    private static Comparison compare(Callable<?> figure, Callable<?> floor, double seconds, int figureBudget) throws Exception {
        int figureBatch = batchSize(figure, figureBudget);
        int floorBatch = batchSize(floor, Integer.MAX_VALUE);
        long figureCalls = callsToSize(figureBatch);
        List<Double> figures = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        // A batch and the floor's next to it ran within 100 ms of each other, on a machine as busy: their ratio is steadier
        // than the ratio of the medians when other work comes and goes.
        List<Double> ratios = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int round = 0;
        while ((System.nanoTime() < end || figures.size() < 5) && figureCalls + figureBatch <= figureBudget) {
            figureCalls += figureBatch;
            double a = batch(figure, figureBatch);
            double b = batch(floor, floorBatch);
            if (round++ >= 2) { // the first rounds warm up
                figures.add(a);
                floors.add(b);
                ratios.add(a / b);
            }
        }
        if (figures.isEmpty()) {
            throw new IllegalStateException("the figure's budget of " + figureBudget + " calls ran out before the first measured batch");
        }
        return new Comparison(median(figures), median(floors), median(ratios), figures.size());
    }

    /** How many calls {@link #batchSize} made to arrive at a size: each batch doubles the one before, from 1. */
    private static long callsToSize(int size) {
        return 2L * size - 1;
    }

    private static int batchSize(Callable<?> operation, int budget) throws Exception {
        int size = 1;
        while (true) {
            if (callsToSize(size) > budget) {
                throw new IllegalStateException("the figure's budget of " + budget + " calls ran out while sizing its batches");
            }
            long start = THREADS.getCurrentThreadCpuTime();
            for (int k = 0; k < size; k++) {
                operation.call();
            }
            long spent = THREADS.getCurrentThreadCpuTime() - start;
            if (spent > 50_000_000L || size > 1 << 24) {
                return size;
            }
            size *= 2;
        }
    }

    private static double batch(Callable<?> operation, int size) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        Object sink = null;
        for (int k = 0; k < size; k++) {
            sink = operation.call();
        }
        long spent = THREADS.getCurrentThreadCpuTime() - start;
        if (sink == null) {
            throw new IllegalStateException("an operation returned nothing");
        }
        return spent / 1_000.0 / size;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
