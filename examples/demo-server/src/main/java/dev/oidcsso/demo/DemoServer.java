package dev.oidcsso.demo;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The demo: a small experiment-tracking service on embedded Jetty, protected by oidc-sso.
 *
 * <p>It keeps users, tokens, grants, experiments and registered models in the database oidc-sso
 * opens: embedded H2 under {@code OIDC_DATA_DIR} (default {@code ./data}), or the PostgreSQL named
 * by {@code OIDC_USERS_DB_URI}, which several replicas can share.
 *
 * <p>With neither {@code OIDC_DISCOVERY_URL}, {@code OIDC_PROVIDER} nor {@code OIDC_PROVIDERS} configured it runs in
 * development mode: it starts a {@link DevIdentityProvider} on loopback, points the framework at it
 * and listens on loopback only ({@value #BIND_ADDRESS} says otherwise), because that provider signs
 * anyone in. Otherwise it uses the configured identity provider, starts no other and listens on
 * every interface unless {@value #BIND_ADDRESS} names one.
 *
 * <pre>{@code
 * DemoServer server = DemoServer.builder().environment(Map.of(...)).host("127.0.0.1").port(0).build();
 * server.start();
 * ... server.baseUri() ...
 * server.stop();
 * }</pre>
 */
public final class DemoServer {

    /** The environment variable with the HTTP port (default {@value #DEFAULT_PORT}). */
    public static final String PORT = "PORT";
    /** The environment variable with the development IdP's port (default: a free one, kept for later starts in the same data folder). */
    public static final String DEV_IDP_PORT = "DEV_IDP_PORT";
    /** The file in the data folder where the development IdP's port is kept from one start to the next. */
    static final String DEV_IDP_PORT_FILE = "dev-idp-port";
    /**
     * The environment variable with the address to listen on, such as {@code 0.0.0.0} or
     * {@code 127.0.0.1}; default loopback in development mode, every interface otherwise.
     */
    public static final String BIND_ADDRESS = "BIND_ADDRESS";
    /** The framework's setting for the embedded database's folder, named in start-up errors. */
    static final String DATA_DIR = "OIDC_DATA_DIR";
    /** The port used when {@value #PORT} is unset. */
    public static final int DEFAULT_PORT = 8080;
    /** The client id the demo registers at its development IdP (which accepts any). */
    static final String DEV_CLIENT_ID = "oidc-sso-demo";
    /** The resource type of experiments. */
    public static final ResourceType EXPERIMENT = ResourceType.of("experiment");
    /** The resource type of registered models. */
    public static final ResourceType REGISTERED_MODEL = ResourceType.of("registered_model");

    private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final Map<String, String> environment;
    private final Properties systemProperties;
    private final String host;
    private final Integer explicitPort;
    private final ExperimentStore givenStore;

    private ExperimentStore store;
    private ExperimentStore models;
    private Database database;
    private Server jetty;
    private ServerConnector connector;
    private OidcSso sso;
    private DevIdentityProvider devIdp;
    private Optional<Path> devIdpPortFile = Optional.empty();
    private boolean started;
    private String bindHost;

    private DemoServer(Builder builder) {
        this.environment = Map.copyOf(builder.environment);
        this.systemProperties = new Properties();
        this.systemProperties.putAll(builder.systemProperties);
        this.host = builder.host;
        this.explicitPort = builder.port;
        this.givenStore = builder.store;
    }

    /**
     * A builder with empty sources: nothing is read from the process unless given.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server from the process environment and system properties. A configuration error
     * prints every problem to stderr and exits with status 2, without a stack trace: it is the
     * operator's to fix, not a bug.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // One log format on the console: libraries that log through java.util.logging or System.Logger
        // (okhttp in mock-oauth2-server, Caffeine) follow simplelogger.properties like everything else.
        // Done here, not in start(), because it changes the JVM-wide logging set-up, which is the
        // application's to decide, not a library's.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int status = run(System.getenv(), System.getProperties(), System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Starts a server and registers its shutdown hook, or reports why it cannot start.
     *
     * @param environment      the environment
     * @param systemProperties the system properties
     * @param err              where problems are reported
     * @return 0 when running, 2 for a configuration error, 1 for any other failure to start
     */
    static int run(Map<String, String> environment, Properties systemProperties, PrintStream err) {
        DemoServer server = builder().environment(environment).systemProperties(systemProperties).build();
        try {
            server.start();
        } catch (SettingsException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | OidcSsoException e) {
            err.println("The demo server cannot start: " + reason(e));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "oidc-sso-demo-shutdown"));
        return 0;
    }

    /**
     * Why start-up failed, in words for the operator: the message and those of its causes (the
     * database's own reason, say that its file is in use), each once and on one line, plus what to
     * do when the cause is a common one. No stack trace: these are set-up problems, not bugs.
     *
     * @param failure what start() threw
     * @return one line
     */
    static String reason(Throwable failure) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = failure; t != null && messages.size() < 5; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            int newline = message.indexOf('\n');
            // A driver may quote the database URL's parts, password included.
            message = StoreSettings.withoutCredentials(newline < 0 ? message : message.substring(0, newline).strip());
            String line = message.length() > 300 ? message.substring(0, 300) + "…" : message;
            // A wrapper often repeats its cause's message: keep only what adds something.
            if (messages.stream().noneMatch(known -> known.contains(line))) {
                messages.add(line);
            }
        }
        String text = String.join(": ", messages);
        String lower = text.toLowerCase(Locale.ROOT);
        // H2's words for a database file another process holds open.
        if (lower.contains("database may be already in use") || lower.contains("file is locked")) {
            text += ". Another process (a second demo server?) is using the database in this folder: stop it, "
                    + "or give this one a folder of its own with " + DATA_DIR + "=<folder>.";
        }
        return text;
    }

    /**
     * Starts the development IdP (in development mode), the framework and Jetty. On failure
     * everything already started is stopped again.
     *
     * @throws SettingsException listing every configuration problem
     * @throws IOException       when a port cannot be bound
     * @throws IllegalStateException when called twice
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("the demo server was already started");
        }
        started = true;
        List<String> problems = new ArrayList<>();
        int port = explicitPort != null ? explicitPort : port(PORT, DEFAULT_PORT, problems);
        int devIdpPort = port(DEV_IDP_PORT, 0, problems);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        try {
            OidcSettings settings = settings(devIdpPort);
            String configuredHost = host != null ? host : systemProperties.getProperty(BIND_ADDRESS, environment.get(BIND_ADDRESS));
            // The development IdP signs anyone in: only this machine may reach the demo then, unless told otherwise.
            bindHost = !isBlank(configuredHost) ? configuredHost.trim() : devIdp != null ? "127.0.0.1" : null;
            database = Database.open(settings);
            // Only once the folder is this process's: a second demo refused for its locked database must not move the port.
            devIdpPortFile.ifPresent(file -> writePort(file, devIdp.port()));
            sso = OidcSso.builder(settings).database(database).resourceTypes(ResourceTypes.of(List.of(EXPERIMENT, REGISTERED_MODEL)))
                    .build();
            store = givenStore != null ? givenStore
                    : new JdbcExperimentStore(database.dataSource(), "demo_experiment", "experiment", Clock.systemUTC());
            models = new JdbcExperimentStore(database.dataSource(), "demo_registered_model", "registered model", Clock.systemUTC());
            startJetty(port);
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        banner();
    }

    /** Stops Jetty (letting running requests finish), the framework and the development IdP. Safe to call twice. */
    public synchronized void stop() {
        boolean running = jetty != null;
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                LOG.warn("Stopping Jetty failed: {}", e.toString());
            }
            jetty = null;
        }
        if (sso != null) {
            sso.close();
            sso = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
        if (devIdp != null) {
            devIdp.close();
            devIdp = null;
        }
        if (running) {
            LOG.info("oidc-sso demo server stopped");
        }
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port
     * @throws IllegalStateException when the server is not running
     */
    public synchronized int port() {
        if (jetty == null) {
            throw new IllegalStateException("the demo server is not running");
        }
        return connector.getLocalPort();
    }

    /** @return the address to open in a browser: loopback when listening on every interface */
    public synchronized URI baseUri() {
        String shown = bindHost == null || bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "localhost" : bindHost;
        if (shown.indexOf(':') >= 0) {
            shown = "[" + shown + "]";
        }
        return URI.create("http://" + shown + ":" + port());
    }

    /** @return the embedded development IdP, present only in development mode while running */
    public synchronized Optional<DevIdentityProvider> devIdentityProvider() {
        return Optional.ofNullable(devIdp);
    }

    /** @return where experiments are kept (the database's, unless the builder gave one); null before start */
    public synchronized ExperimentStore store() {
        return store;
    }

    /** @return the store oidc-sso uses, while running */
    public synchronized Optional<Database> database() {
        return Optional.ofNullable(database);
    }

    /**
     * A JSON mapper that refuses duplicate keys and trailing content, so a request body means
     * exactly one thing.
     *
     * @return a new mapper
     */
    public static ObjectMapper jsonMapper() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * Whether the sources configure no identity provider at all, so the demo should bring its own.
     *
     * @return true for development mode
     */
    boolean developmentMode() {
        Map<String, String> raw = new HashMap<>();
        Optional.ofNullable(systemProperties.getProperty(SettingNames.CONFIG_FILE))
                .or(() -> Optional.ofNullable(environment.get(SettingNames.CONFIG_FILE)))
                .ifPresent(file -> raw.putAll(readConfigFile(file)));
        environment.forEach((name, value) -> raw.put(SettingNames.canonical(name), value));
        systemProperties.stringPropertyNames().forEach(name -> raw.put(SettingNames.canonical(name), systemProperties.getProperty(name)));
        return isBlank(raw.get(SettingNames.DISCOVERY_URL)) && isBlank(raw.get(SettingNames.PROVIDER))
                && isBlank(raw.get(SettingNames.PROVIDERS));
    }

    private OidcSettings settings(int devIdpPort) throws IOException {
        OidcSettings.Builder builder = OidcSettings.builder();
        boolean development = developmentMode();
        // Lowest precedence, so the operator's settings still win. The icon is public so that a
        // browser asking for it on a page shown before login is not sent to the IdP.
        Map<String, String> defaults = new HashMap<>(Map.of(SettingNames.PUBLIC_PATHS, DemoAssets.FAVICON));
        if (development) {
            // The secret is random because the development IdP accepts any, and a fixed one in
            // source would be copied somewhere it matters.
            defaults.put(SettingNames.CLIENT_ID, DEV_CLIENT_ID);
            defaults.put(SettingNames.CLIENT_SECRET, randomSecret());
        }
        builder.environment(defaults);
        builder.environment(environment).systemProperties(systemProperties);
        if (!development) {
            return builder.build();
        }
        // Validate everything before starting the IdP, with a placeholder for the one URL that
        // only exists once it runs; the draft also tells which groups the login page offers.
        builder.discoveryUrl("http://127.0.0.1:" + Math.max(devIdpPort, 1) + "/" + DevIdentityProvider.ISSUER_ID
                + "/.well-known/openid-configuration");
        OidcSettings draft = builder.build();
        // Users are bound to the issuer they signed in with, and the IdP's issuer holds its port: without
        // DEV_IDP_PORT the embedded database remembers the port, so that a restart brings the same issuer back.
        Optional<Path> remembered = devIdpPort == 0 ? rememberedPortFile(draft) : Optional.empty();
        // A port chosen here rather than by the IdP's server: only a port given to it explicitly is bound with
        // SO_REUSEADDR, and without that the connections of the last run, lingering in TIME_WAIT for a minute
        // after a stop, keep the port from being bound again at once.
        int port = remembered.isEmpty() ? devIdpPort : remembered.flatMap(DemoServer::readPort).orElseGet(DemoServer::freeLoopbackPort);
        try {
            devIdp = DevIdentityProvider.start(port, draft.userGroups().get(0), draft.adminGroups().get(0));
        } catch (BindException e) {
            if (remembered.isEmpty()) {
                throw new IOException("the development identity provider's port " + devIdpPort + " is already in use: set "
                        + DEV_IDP_PORT + " to a free port, or leave it unset to get one", e);
            }
            LOG.warn("The development identity provider's port of the last start, {}, is taken: using another. Users who signed in "
                    + "before are bound to the old issuer and are refused until an administrator unbinds them, or {} is emptied.",
                    port, remembered.get().getParent());
            devIdp = DevIdentityProvider.start(0, draft.userGroups().get(0), draft.adminGroups().get(0));
        }
        devIdpPortFile = remembered;
        return builder.discoveryUrl(devIdp.discoveryUrl().toString()).build();
    }

    /** Beside the embedded database's file, where the development IdP's port is kept; none for another database. */
    private static Optional<Path> rememberedPortFile(OidcSettings settings) {
        String prefix = "jdbc:h2:file:";
        String url = settings.store().jdbcUrl();
        if (!url.startsWith(prefix)) {
            return Optional.empty();
        }
        Path database = Path.of(url.substring(prefix.length()).split(";", 2)[0]);
        return Optional.ofNullable(database.getParent()).map(folder -> folder.resolve(DEV_IDP_PORT_FILE));
    }

    private static int freeLoopbackPort() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Optional<Integer> readPort(Path file) {
        try {
            // A few bytes of a regular file: a big file or a pipe put there by mistake must not stall the start.
            if (!Files.isRegularFile(file) || Files.size(file) > 16) {
                return Optional.empty();
            }
            int port = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).trim());
            return port > 0 && port <= 65_535 ? Optional.of(port) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            // first start in this folder, or a file not written by us: a free port, as without one
            return Optional.empty();
        }
    }

    private static void writePort(Path file, int port) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, port + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Cannot remember the development identity provider's port in {}: {}", file, e.toString());
        }
    }

    private void startJetty(int port) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("demo-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector listener = new ServerConnector(server, new HttpConnectionFactory(http));
        listener.setHost(bindHost);
        listener.setPort(port);
        server.addConnector(listener);

        ObjectMapper json = jsonMapper();
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new OidcSsoFilter(sso)), "/*", EnumSet.of(DispatcherType.REQUEST));
        var evaluator = sso.permissions().orElseThrow();
        context.addServlet(new ServletHolder("experiments", new ExperimentServlet(store, json,
                new ExperimentServlet.Kind(EXPERIMENT, "experiment", "experiments", "/api/experiments"),
                evaluator, database.permissions())), "/api/experiments/*");
        context.addServlet(new ServletHolder("registered-models", new ExperimentServlet(models, json,
                new ExperimentServlet.Kind(REGISTERED_MODEL, "registered model", "registered_models", "/api/registered-models"),
                evaluator, database.permissions())), "/api/registered-models/*");
        context.addServlet(new ServletHolder("home", new HomeServlet(store, evaluator,
                Optional.ofNullable(devIdp).map(DevIdentityProvider::issuer))), "/");
        ServletHolder assets = new ServletHolder("assets", new DemoAssets());
        context.getServletHandler().addServletWithMapping(assets, DemoAssets.FAVICON);
        context.getServletHandler().addServletWithMapping(assets, DemoAssets.HOME_SCRIPT);

        // The graceful handler lets requests in flight finish when the server stops.
        GracefulHandler graceful = new GracefulHandler(context);
        server.setHandler(graceful);
        server.setStopTimeout(STOP_TIMEOUT_MS);
        server.setStopAtShutdown(false);
        jetty = server;
        connector = listener;
        try {
            server.start();
        } catch (IOException e) {
            if (causedBy(e, BindException.class)) {
                throw new IOException("port " + port + (host == null ? "" : " on " + host) + " is already in use: stop the program "
                        + "using it, or set " + PORT + " to a free port (for example " + PORT + "=8081)", e);
            }
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Jetty failed to start: " + e.getMessage(), e);
        }
    }

    private void banner() {
        if (devIdp != null) {
            String line = "=".repeat(100);
            LOG.warn(line);
            LOG.warn("DEVELOPMENT MODE — embedded test identity provider at {}; do not use in production.", devIdp.issuer());
            LOG.warn("It signs in anyone as anyone without a password. Set OIDC_DISCOVERY_URL (or OIDC_PROVIDER) to use a real IdP.");
            LOG.warn("Open {}/ in a browser on this machine and sign in as user or admin.", baseUri());
            LOG.warn(line);
        } else {
            LOG.info("oidc-sso demo server listening on {}/ (identity provider: {})", baseUri(), sso.settings().discoveryUrl());
        }
    }

    private int port(String name, int fallback, List<String> problems) {
        String text = systemProperties.getProperty(name, environment.get(name));
        if (isBlank(text)) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 0 && value <= 65_535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below like an out-of-range number
        }
        problems.add(name + "='" + text + "' is not a port number (0-65535)");
        return fallback;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> readConfigFile(String file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | RuntimeException e) {
            // OidcSettings reports the unreadable file; here it only means "no IdP configured in it".
            return Map.of();
        }
        Map<String, String> values = new HashMap<>();
        props.stringPropertyNames().forEach(name -> values.put(SettingNames.canonical(name), props.getProperty(name)));
        return values;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Assembles a {@link DemoServer}; by default it reads nothing from the process and listens where
     * {@value DemoServer#BIND_ADDRESS} says, else on loopback in development mode and on every
     * interface otherwise.
     */
    public static final class Builder {

        private final Map<String, String> environment = new HashMap<>();
        private final Properties systemProperties = new Properties();
        private String host;
        private Integer port;
        private ExperimentStore store;

        private Builder() {
        }

        /**
         * Adds environment variables: {@value DemoServer#PORT}, {@value DemoServer#DEV_IDP_PORT} and every
         * oidc-sso setting. Tests pass a map here instead of touching the real environment.
         *
         * @param env the variables, usually {@code System.getenv()}
         * @return this builder
         */
        public Builder environment(Map<String, String> env) {
            environment.putAll(env);
            return this;
        }

        /**
         * Adds system properties, which win over the environment.
         *
         * @param props the properties, usually {@code System.getProperties()}
         * @return this builder
         */
        public Builder systemProperties(Properties props) {
            props.stringPropertyNames().forEach(name -> systemProperties.setProperty(name, props.getProperty(name)));
            return this;
        }

        /**
         * The interface to listen on, winning over {@value DemoServer#BIND_ADDRESS}; by default loopback
         * in development mode and every interface otherwise.
         *
         * @param host a host name or address, such as {@code 127.0.0.1}
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * The port, winning over {@value DemoServer#PORT}; 0 picks a free one.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is out of range");
            }
            this.port = port;
            return this;
        }

        /**
         * Where experiments are kept; by default a table in the database oidc-sso uses.
         *
         * @param store the store
         * @return this builder
         */
        public Builder experimentStore(ExperimentStore store) {
            this.store = store;
            return this;
        }

        /** @return the server, not yet started */
        public DemoServer build() {
            return new DemoServer(this);
        }
    }
}
