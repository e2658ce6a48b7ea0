package dev.oidcsso.benchmarks;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.session.Session;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A protected page with a session cookie beside a public page, through the servlet filter in a real
 * container (Jetty 12, Tomcat 11), measured in requests per second over keep-alive connections. Both
 * pages are the same servlet writing the same bytes; only the filter's work differs (the public
 * page proceeds anonymously, the protected one opens the cookie, finds the session and the user's
 * record, and wraps the request with the principal). The framework runs as the demo runs it: the
 * embedded H2 store behind its caches.
 *
 * <p>The load comes from {@code wrk} when it is on the PATH ({@code apt-get install wrk}), else from
 * a small driver in this JVM (keep-alive sockets, one thread per connection). Public and protected
 * alternate in rounds of equal length, so both see the same machine.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.ContainerLoadRun
 * [jetty|tomcat|both] [seconds per run] [rounds] [connections] [both|public|protected]}
 */
public final class ContainerLoadRun {

    private static final String SECRET = "container-load-secret-key-container-load-secret";
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern WRK_COUNT = Pattern.compile("(\\d+) requests in");
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private static final Pattern WRK_ERRORS = Pattern.compile("Socket errors:.*");

    private ContainerLoadRun() {
    }

    /**
     * Runs the comparison and prints one line per run and a summary per container.
     *
     * @param args container(s), seconds per run, rounds, connections, pages
     * @throws Exception if a server cannot start
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "both";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        String pages = args.length > 4 ? args[4] : "both";
        boolean wrk = onPath("wrk");
        System.out.printf(Locale.ROOT, "load from %s, %d connections, %d s per run, %d rounds, %d cores%n",
                wrk ? "wrk (1 thread)" : "the in-JVM driver", connections, seconds, rounds, Runtime.getRuntime().availableProcessors());
        List<String> summary = new ArrayList<>();
        for (String container : which.equals("both") ? List.of("jetty", "tomcat") : List.of(which)) {
            Path dir = Files.createTempDirectory("oidc-sso-load");
            try (Target target = Target.start(container, dir)) {
                target.check();
                List<Double> open = new ArrayList<>();
                List<Double> closed = new ArrayList<>();
                List<Double> openCpu = new ArrayList<>();
                List<Double> closedCpu = new ArrayList<>();
                // Three runs of each first: on a busy machine the JIT needs them before both paths are compiled.
                for (int warm = 0; warm < 3; warm++) {
                    measure(target, false, seconds, connections, wrk);
                    measure(target, true, seconds, connections, wrk);
                }
                for (int round = 1; round <= rounds; round++) {
                    if (!pages.equals("protected")) {
                        double[] run = report(container, "public", round, measure(target, false, seconds, connections, wrk));
                        open.add(run[0]);
                        openCpu.add(run[1]);
                    }
                    if (!pages.equals("public")) {
                        double[] run = report(container, "protected", round, measure(target, true, seconds, connections, wrk));
                        closed.add(run[0]);
                        closedCpu.add(run[1]);
                    }
                }
                if (!open.isEmpty() && !closed.isEmpty()) {
                    summary.add(String.format(Locale.ROOT, "%-7s public %s req/s, protected %s req/s: ratio %.2f (per round: %s)",
                            container, spread(open), spread(closed), median(closed) / median(open), perRound(closed, open)));
                    summary.add(String.format(Locale.ROOT, "%-7s server CPU per request: public %.1f us, protected %.1f us (medians)",
                            container, median(openCpu), median(closedCpu)));
                }
            } finally {
                TempDirectories.delete(dir);
            }
        }
        System.out.println();
        summary.forEach(System.out::println);
    }

    private static double[] report(String container, String page, int round, double[] run) {
        System.out.printf(Locale.ROOT, "%-7s %-9s round %d: %,8.0f req/s, server CPU %5.1f us/request%n", container, page, round,
                run[0], run[1]);
        return run;
    }

    /**
     * One run: requests per second, and this process's CPU time per request (the server's work when
     * wrk drives it from outside; the driver's too when it runs in this JVM).
     */
    private static double[] measure(Target target, boolean protectedPage, int seconds, int connections, boolean wrk) throws Exception {
        String url = target.base() + (protectedPage ? "/app/hello" : "/public/hello");
        // The same header on both pages: the client sends and the server parses the same bytes.
        String cookie = SessionManager.COOKIE + "=" + target.cookie();
        long cpuBefore = PROCESS.getProcessCpuTime();
        double[] rate = wrk ? wrk(url, cookie, seconds, connections) : drive(target.port(), protectedPage ? "/app/hello" : "/public/hello",
                cookie, seconds, connections);
        double cpu = (PROCESS.getProcessCpuTime() - cpuBefore) / 1_000.0 / rate[1];
        return new double[] {rate[0], cpu};
    }

    private static double[] wrk(String url, String cookie, int seconds, int connections) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "-H", "Cookie: " + cookie, url)
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher non2xx = WRK_NON_2XX.matcher(out);
        Matcher errors = WRK_ERRORS.matcher(out);
        if (non2xx.find() || errors.find()) {
            throw new IllegalStateException("wrk saw failures on " + url + ":\n" + out);
        }
        Matcher rate = WRK_RATE.matcher(out);
        if (!rate.find()) {
            throw new IllegalStateException("no rate in wrk's output:\n" + out);
        }
        Matcher count = WRK_COUNT.matcher(out);
        if (!count.find()) {
            throw new IllegalStateException("no request count in wrk's output:\n" + out);
        }
        return new double[] {Double.parseDouble(rate.group(1)), Double.parseDouble(count.group(1))};
    }

    /** The in-JVM driver: one thread per keep-alive connection, each request waiting for its response. */
    private static double[] drive(int port, String path, String cookie, int seconds, int connections) throws InterruptedException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nCookie: " + cookie + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread thread = new Thread(() -> {
                try (Socket socket = new Socket()) {
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port));
                    socket.setSoTimeout(10_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    while (running.get()) {
                        out.write(request);
                        out.flush();
                        if (readResponse(in) != 200) {
                            failures.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            }, "load-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1_000L);
        running.set(false);
        long count = done.get();
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (Thread thread : threads) {
            thread.join(15_000);
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " failed requests on " + path);
        }
        return new double[] {count / elapsed, done.get()};
    }

    /** Reads one response with a Content-Length body; returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int status = Integer.parseInt(text.substring(9, 12));
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.skipNBytes(length);
        return status;
    }

    private static String spread(List<Double> rates) {
        return String.format(Locale.ROOT, "%,.0f (%,.0f-%,.0f)", median(rates), rates.stream().mapToDouble(d -> d).min().orElse(0),
                rates.stream().mapToDouble(d -> d).max().orElse(0));
    }

    private static String perRound(List<Double> closed, List<Double> open) {
        List<String> ratios = new ArrayList<>();
        for (int k = 0; k < Math.min(closed.size(), open.size()); k++) {
            ratios.add(String.format(Locale.ROOT, "%.2f", closed.get(k) / open.get(k)));
        }
        return String.join(", ", ratios);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** The page: the same bytes whoever asks, so both pages cost the application the same. */
    static final class Hello extends HttpServlet {

        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "<!DOCTYPE html><title>hello</title><p>hello</p>".getBytes(StandardCharsets.UTF_8);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/html;charset=utf-8");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
        }
    }

    /** A container with the filter in front of {@link Hello}, the framework and its store. */
    private abstract static class Target implements AutoCloseable {

        private final Database database;
        private final OidcSso sso;
        private final String cookie;

        Target(Path dir) {
            database = Database.open(StoreSettings.embedded(dir));
            database.users().recordLogin("alice", "Alice", "alice@example.com", Set.of("mlflow", "data"));
            OidcSettings settings = OidcSettings.builder()
                    // Unreachable on purpose: a signed-in browser's requests must not need the IdP.
                    .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
                    .client("load", "load-secret").secretKey(SECRET).set(SettingNames.PUBLIC_PATHS, "/public/").build();
            sso = OidcSso.builder(settings).database(database).build();
            Session session = sso.sessions().start("alice", List.of("mlflow", "data"), false, Optional.empty());
            cookie = session.id();
        }

        static Target start(String container, Path dir) throws Exception {
            Target target = switch (container) {
                case "jetty" -> new JettyTarget(dir);
                case "tomcat" -> new TomcatTarget(dir);
                default -> throw new IllegalArgumentException("unknown container " + container + " (jetty, tomcat, both)");
            };
            target.startServer();
            return target;
        }

        OidcSso sso() {
            return sso;
        }

        String cookie() {
            return cookie;
        }

        String base() {
            return "http://127.0.0.1:" + port();
        }

        /** Both pages answer 200 with the cookie, and the protected one refuses a request without it. */
        void check() throws IOException, InterruptedException {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
            for (String path : List.of("/public/hello", "/app/hello")) {
                var withCookie = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                        .header("Cookie", SessionManager.COOKIE + "=" + cookie).header("Accept", "text/html").build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                if (withCookie.statusCode() != 200) {
                    throw new IllegalStateException(path + " answered " + withCookie.statusCode() + " with the session cookie");
                }
            }
            var without = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/app/hello"))
                    .header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            if (without.statusCode() == 200) {
                throw new IllegalStateException("the protected page answered 200 without a session");
            }
        }

        abstract void startServer() throws Exception;

        abstract int port();

        abstract void stopServer() throws Exception;

        @Override
        public void close() throws IOException {
            try {
                stopServer();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("the container did not stop", e);
            } finally {
                sso.close();
                database.close();
            }
        }
    }

    private static final class JettyTarget extends Target {

        private Server server;
        private ServerConnector connector;

        JettyTarget(Path dir) {
            super(dir);
        }

        @Override
        void startServer() throws Exception {
            server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addFilter(new FilterHolder(new OidcSsoFilter(sso())), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder("hello", new Hello()), "/*");
            server.setHandler(context);
            server.start();
        }

        @Override
        int port() {
            return connector.getLocalPort();
        }

        @Override
        void stopServer() throws Exception {
            server.stop();
        }
    }

    private static final class TomcatTarget extends Target {

        private final Path dir;
        private Tomcat tomcat;
        private Connector connector;

        TomcatTarget(Path dir) {
            super(dir);
            this.dir = dir;
        }

        @Override
        void startServer() throws Exception {
            tomcat = new Tomcat();
            Path base = Files.createDirectories(dir.resolve("tomcat"));
            tomcat.setBaseDir(base.toString());
            connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.getService().addConnector(connector);
            Context context = tomcat.addContext("", base.toString());
            Tomcat.addServlet(context, "hello", new Hello()).addMapping("/*");
            FilterDef def = new FilterDef();
            def.setFilterName("oidc-sso");
            def.setFilter(new OidcSsoFilter(sso()));
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("oidc-sso");
            map.addURLPattern("/*");
            context.addFilterMap(map);
            tomcat.start();
        }

        @Override
        int port() {
            return connector.getLocalPort();
        }

        @Override
        void stopServer() throws Exception {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
