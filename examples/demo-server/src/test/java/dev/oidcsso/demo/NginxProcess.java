package dev.oidcsso.demo;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx in the foreground, owned by one test class: its own configuration, pid file, temp
 * and log directories under the test's temporary directory, so it neither needs nor touches the
 * system's nginx set-up, and it runs as whichever user runs the tests.
 *
 * <p>It runs with {@code daemon off} and {@code master_process off}: one process, which is this
 * JVM's child, so {@link #close()} ends it for sure, and no worker switches to another user that
 * could not read the temporary directory.
 */
final class NginxProcess implements AutoCloseable {

    /** Where Debian's nginx, nginx-light and nginx-full packages put the binary. */
    static final Path DEBIAN_BINARY = Path.of("/usr/sbin/nginx");
    /** Generous: nginx starts in milliseconds, but a busy CI machine must not fail the build for a slow start. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Path directory;
    private final Thread killOnExit;

    private NginxProcess(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
        // Should the test JVM end without running @AfterAll (surefire's fork timeout, Ctrl-C),
        // nginx, a separate process, would keep its port; the hook ends it with the JVM.
        this.killOnExit = new Thread(process::destroyForcibly, "nginx-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Finds nginx: {@code NGINX_BIN}, then {@code /usr/sbin/nginx}, then the {@code PATH}.
     *
     * @return the binary, or empty when there is none
     */
    static Optional<Path> find() {
        return Optional.ofNullable(System.getenv("NGINX_BIN")).filter(s -> !s.isBlank()).map(Path::of)
                .or(() -> Optional.of(DEBIAN_BINARY).filter(Files::isExecutable))
                .or(() -> Stream.of(Optional.ofNullable(System.getenv("PATH")).orElse("").split(java.io.File.pathSeparator))
                        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "nginx")).filter(Files::isExecutable).findFirst())
                .filter(Files::isExecutable);
    }

    /**
     * Finds nginx, or ends the test. In CI a missing nginx fails the test, because a skipped
     * end-to-end test would look like a pass; elsewhere the test is skipped with instructions.
     *
     * @return the binary
     */
    static Path require() {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String help = "nginx is needed for the reverse-proxy end-to-end test and was not found (NGINX_BIN, "
                    + DEBIAN_BINARY + ", PATH). Install it with 'apt-get install nginx-light' (Debian/Ubuntu) or "
                    + "'brew install nginx', or point NGINX_BIN at the binary. .ci/run installs it.";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(help + " CI=true, so this is a failure, not a skip.");
            }
            Assumptions.abort(help);
        }
        return found.get();
    }

    /**
     * Writes the configuration and starts nginx, returning once every port accepts connections.
     *
     * @param directory  an empty directory owned by the test
     * @param httpConfig the contents of the {@code http} block; may use the placeholder {@code ${dir}}
     * @param ports      the ports nginx listens on, all on 127.0.0.1
     * @return the running nginx
     * @throws IOException when it does not start in time; the message holds its error log
     */
    static NginxProcess start(Path directory, String httpConfig, List<Integer> ports) throws IOException {
        Path binary = require();
        for (String sub : List.of("logs", "temp/client_body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi")) {
            Files.createDirectories(directory.resolve(sub));
        }
        String dir = directory.toAbsolutePath().toString();
        // Debian's build has absolute default temp paths under /var/lib/nginx; every one is set here
        // so that nginx writes only below the test's directory.
        String config = String.join("\n",
                "daemon off;",
                "master_process off;",
                "worker_processes 1;",
                "pid ${dir}/nginx.pid;",
                "error_log ${dir}/logs/error.log warn;",
                "events { worker_connections 128; }",
                "http {",
                "  access_log ${dir}/logs/access.log;",
                "  client_body_temp_path ${dir}/temp/client_body;",
                "  proxy_temp_path ${dir}/temp/proxy;",
                "  fastcgi_temp_path ${dir}/temp/fastcgi;",
                "  uwsgi_temp_path ${dir}/temp/uwsgi;",
                "  scgi_temp_path ${dir}/temp/scgi;",
                httpConfig,
                "}",
                "").replace("${dir}", dir);
        Path file = directory.resolve("nginx.conf");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        // -e: the start-up error log too goes to our directory, not /var/log/nginx.
        Process process = new ProcessBuilder(binary.toString(), "-p", dir + "/", "-c", file.toString(), "-e", dir + "/logs/error.log")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("logs/stdout.log").toFile())
                .start();
        NginxProcess nginx = new NginxProcess(process, directory);
        try {
            nginx.awaitPorts(ports);
        } catch (IOException | RuntimeException e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    private void awaitPorts(List<Integer> ports) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        for (int port : ports) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("nginx exited with status " + process.exitValue() + ":\n" + logs());
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    break;
                } catch (IOException notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException("nginx did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n" + logs());
                    }
                    sleep(50);
                }
            }
        }
    }

    /** @return the error log and console output, for failure messages */
    String logs() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("logs/stdout.log", "logs/error.log")) {
            Path log = directory.resolve(name);
            try {
                if (Files.exists(log)) {
                    text.append("--- ").append(name).append('\n').append(Files.readString(log, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                text.append("--- ").append(name).append(": unreadable: ").append(e.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    /** Stops nginx: TERM (its fast shutdown), then KILL if it has not gone within five seconds. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it kills nginx anyway
        }
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for nginx", e);
        }
    }
}
