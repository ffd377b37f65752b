package io.datamesh.mariadb.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server, run as a child process with its own data folder, listening on
 * 127.0.0.1 only, with the binary log on as CDC needs it: {@code binlog_format=ROW},
 * {@code binlog_row_image=FULL}, a server id, and GTIDs (MariaDB always writes them).
 *
 * <p>It is what the CDC tests and {@code make run} capture from; it never touches the machine's own
 * server nor its configuration ({@code --no-defaults}: no {@code my.cnf} is read). Build it with
 * {@link #builder()}, {@link #start()} it, and {@link #close()} it. {@link #stop()} shuts the server
 * down cleanly and keeps its data, {@link #kill()} sends SIGKILL (for fault tests); a later
 * {@link #start()} runs it again on the same folder and port, with its data and binlogs. A shutdown
 * hook stops a server its JVM forgot, and a start first stops a server an earlier, crashed JVM left
 * running on the same folder.
 *
 * <p>Root has no password and connects over TCP from 127.0.0.1 only; {@link #execute(String...)} and
 * the helpers act as root.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);
    public static final String HOST = "127.0.0.1";
    /** The port of the machine's own server: never ours. */
    static final int MACHINE_PORT = 3306;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern BASENAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** A Unix socket path must fit {@code sockaddr_un} (108 bytes); longer folders get their socket in the temp folder. */
    private static final int MAX_SOCKET_PATH = 100;

    private final Path dir;
    private final boolean deleteOnClose;
    private final int requestedPort;
    private final long serverId;
    private final String binlogBasename;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final Map<String, String> options;
    private final MariaDbBinaries.Source source;
    private final Path cacheDir;

    private MariaDbBinaries binaries;
    private Process process;
    private Thread shutdownHook;
    private int port;
    private Path socket;

    private EmbeddedMariaDb(Builder b) {
        this.dir = b.dir;
        this.deleteOnClose = b.deleteOnClose;
        this.requestedPort = b.port;
        this.serverId = b.serverId;
        this.binlogBasename = b.binlogBasename;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.options = Map.copyOf(b.options);
        this.source = b.source;
        this.cacheDir = b.cacheDir;
    }

    /** A builder with the defaults: a free port, a temporary folder deleted on close, server id 1. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server and waits until root can connect. A new folder is initialised first
     * ({@code mariadb-install-db}); an existing one is reused with its data and binlogs. A second
     * start after {@link #stop()} or {@link #kill()} uses the port of the first.
     *
     * @throws IllegalStateException if the port is taken, the server exits, or it does not answer before the start timeout
     */
    public synchronized EmbeddedMariaDb start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("MariaDB already running on " + HOST + ":" + port);
        }
        long began = System.nanoTime();
        if (binaries == null) {
            binaries = MariaDbBinaries.locate(source, cacheDir);
        }
        stopLeftover();
        if (port == 0) {
            port = requestedPort == 0 ? freePort() : checkFree(requestedPort);
        } else {
            checkFree(port);
        }
        try {
            Files.createDirectories(dir.resolve("tmp"));
            if (!Files.isDirectory(dataDir().resolve("mysql"))) {
                install();
            }
            socket = socketPath();
            ProcessBuilder pb = new ProcessBuilder(serverCommand())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.out").toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mariadbd in " + dir, e);
        }
        Thread hook = new Thread(this::stopQuietly, "mariadb-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
        try {
            awaitReady();
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
        log.info("MariaDB ready url={} dataDir={} binaries={} serverId={} startedInMs={}",
                jdbcUrl(""), dataDir(), binaries.origin(), serverId, (System.nanoTime() - began) / 1_000_000);
        return this;
    }

    /** The port it listens on (127.0.0.1); valid from the first start on. */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("MariaDB not started yet");
        }
        return port;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/<database>}; an empty database names none. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + HOST + ":" + port() + "/" + Objects.requireNonNull(database, "database");
    }

    /** The folder that holds the server's data, binlogs, logs and pid file. */
    public Path dir() {
        return dir;
    }

    /** The MariaDB data folder (tables and binlogs) inside {@link #dir()}. */
    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The server id written into every binlog event (and every GTID). */
    public long serverId() {
        return serverId;
    }

    /** The basename of the binlog files, e.g. {@code mariadb-bin} for {@code mariadb-bin.000001}. */
    public String binlogBasename() {
        return binlogBasename;
    }

    /** Which binaries run it; known once started. */
    public synchronized MariaDbBinaries binaries() {
        if (binaries == null) {
            throw new IllegalStateException("MariaDB not started yet: the binaries are chosen at start");
        }
        return binaries;
    }

    /** The server process's id, while it runs. */
    public synchronized Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    /** Whether the server process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A new connection as root to {@code database} (empty for none); the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "root", "");
    }

    /** Runs statements in order as root, in one session; the first that fails throws, naming it. */
    public void execute(String... statements) {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    throw new IllegalStateException("MariaDB on port " + port + " refused '" + sql + "': " + e.getMessage(), e);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to MariaDB on port " + port + " as root: " + e.getMessage(), e);
        }
    }

    /** The rows of a query as root, each column by its label; for tests and small answers. */
    public List<Map<String, Object>> query(String sql) {
        try (Connection c = connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB on port " + port + " refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    /** Creates a database (utf8mb4) unless it exists. */
    public void createDatabase(String name) {
        execute("CREATE DATABASE IF NOT EXISTS `" + checkName(name, "database") + "` CHARACTER SET utf8mb4");
    }

    /** Drops a database if it exists. */
    public void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS `" + checkName(name, "database") + "`");
    }

    /**
     * Creates a user who may connect from anywhere ({@code '<user>'@'%'}) with this password, or sets the
     * password of one that exists, then grants each of {@code grants} as written after {@code GRANT}, e.g.
     * {@code "SELECT ON orders.*"} or {@code "REPLICATION SLAVE, REPLICATION CLIENT ON *.*"}.
     */
    public void createUser(String user, String password, String... grants) {
        String who = "'" + checkName(user, "user") + "'@'%'";
        List<String> sql = new ArrayList<>();
        sql.add("CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY '" + password.replace("\\", "\\\\").replace("'", "''") + "'");
        sql.add("ALTER USER " + who + " IDENTIFIED BY '" + password.replace("\\", "\\\\").replace("'", "''") + "'");
        for (String grant : grants) {
            sql.add("GRANT " + grant + " TO " + who);
        }
        execute(sql.toArray(String[]::new));
    }

    /** The binlog files the server has, oldest first. */
    public List<Binlog> binlogs() {
        return query("SHOW BINARY LOGS").stream()
                .map(r -> new Binlog((String) r.get("Log_name"), ((Number) r.get("File_size")).longValue()))
                .toList();
    }

    /** Closes the current binlog file and starts the next one; returns the new current file. */
    public Binlog flushBinaryLogs() {
        execute("FLUSH BINARY LOGS");
        List<Binlog> logs = binlogs();
        return logs.get(logs.size() - 1);
    }

    /**
     * Starts a new binlog file and purges every older one, as an operator's retention would: what a
     * capture whose stored offset points into a purged file meets. Returns the files purged.
     */
    public List<Binlog> purgeBinaryLogs() {
        List<Binlog> before = binlogs();
        Binlog current = flushBinaryLogs();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        while (true) {
            execute("PURGE BINARY LOGS TO '" + current.name() + "'");
            left = binlogs().stream().map(Binlog::name).toList();
            // A file stays "in use" until InnoDB has made its transactions durable (the binlog checkpoint
            // moves on a moment after the flush): purge again until only the current file is left.
            if (left.size() == 1 || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while purging binlogs on port " + port, e);
            }
        }
        final List<String> remaining = left;
        List<Binlog> purged = before.stream().filter(b -> !remaining.contains(b.name())).toList();
        log.info("MariaDB binlogs purged port={} purged={} left={}", port, purged.stream().map(Binlog::name).toList(), remaining);
        return purged;
    }

    /** Shuts the server down cleanly (SIGTERM, then waits), keeping its data; a no-op when it is not running. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("MariaDB did not stop within {} s; killing it port={} pid={}", stopTimeout.toSeconds(), port, p.pid());
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping MariaDB on port " + port, e);
            }
            log.info("MariaDB stopped port={} exit={}", port, p.exitValue());
        }
        released();
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until it is gone; the data stays. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing MariaDB on port " + port, e);
        }
        log.info("MariaDB killed port={} pid={}", port, p.pid());
        released();
    }

    /** Stops the server and deletes a temporary folder; a folder given by the caller is kept. */
    @Override
    public synchronized void close() {
        stop();
        if (deleteOnClose) {
            try {
                MariaDbBinaries.deleteRecursively(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir, e);
            }
        }
    }

    private void released() {
        process = null;
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down already: the hook runs or ran, nothing to remove.
            }
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("MariaDB on port {} did not stop cleanly at JVM exit: {}", port, e.getMessage());
        }
    }

    private void install() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binaries.installDb().toString(), "--no-defaults"));
        if (binaries.baseDir() != null) {
            cmd.add("--basedir=" + binaries.baseDir());
        }
        cmd.addAll(List.of("--datadir=" + dataDir(), "--auth-root-authentication-method=normal", "--skip-test-db",
                "--innodb-log-file-size=16M"));
        if (isRoot()) {
            cmd.add("--user=root");
        }
        Path out = dir.resolve("install.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish within " + startTimeout.toSeconds() + " s; see " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while initialising MariaDB in " + dataDir(), e);
        }
        if (p.exitValue() != 0) {
            MariaDbBinaries.deleteRecursively(dataDir());
            throw new IllegalStateException("mariadb-install-db failed (exit " + p.exitValue() + ") for " + dataDir()
                    + ": " + tail(out, 15));
        }
        log.info("MariaDB data folder initialised dataDir={} binaries={}", dataDir(), binaries.origin());
    }

    private List<String> serverCommand() {
        List<String> cmd = new ArrayList<>(List.of(binaries.mariadbd().toString(), "--no-defaults"));
        if (binaries.baseDir() != null) {
            cmd.add("--basedir=" + binaries.baseDir());
        }
        if (isRoot()) {
            // mariadbd refuses to run as root unless told to; the tests and make run run as root in containers.
            cmd.add("--user=root");
        }
        Map<String, String> o = new LinkedHashMap<>();
        o.put("datadir", dataDir().toString());
        o.put("port", String.valueOf(port));
        o.put("bind-address", HOST);
        o.put("socket", socket.toString());
        o.put("pid-file", dir.resolve("mariadbd.pid").toString());
        o.put("log-error", dir.resolve("mariadbd.err").toString());
        o.put("tmpdir", dir.resolve("tmp").toString());
        o.put("skip-name-resolve", "ON");
        o.put("log-bin", binlogBasename);
        o.put("binlog-format", "ROW");
        o.put("binlog-row-image", "FULL");
        o.put("server-id", String.valueOf(serverId));
        o.put("character-set-server", "utf8mb4");
        o.put("collation-server", "utf8mb4_general_ci");
        // A laptop runs several: small buffers, no performance schema.
        o.put("innodb-buffer-pool-size", "64M");
        o.put("innodb-log-file-size", "16M");
        o.put("performance-schema", "OFF");
        o.put("max-connections", "200");
        options.forEach((k, v) -> o.put(k.replace('_', '-'), v));
        o.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        return cmd;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with " + process.exitValue() + " while starting on port " + port
                        + ": " + tail(dir.resolve("mariadbd.err"), 15));
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("") + "?connectTimeout=1000", "root", "")) {
                if (c.isValid(1)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for MariaDB on port " + port, e);
            }
        }
        throw new IllegalStateException("MariaDB on port " + port + " not ready after " + startTimeout.toSeconds() + " s: "
                + (last == null ? "" : last.getMessage()) + "; " + tail(dir.resolve("mariadbd.err"), 10));
    }

    /**
     * A server left running on this folder by a JVM that died without stopping it holds the folder's
     * lock: stop it first, but only if it is a mariadbd of this very folder.
     */
    private void stopLeftover() {
        Path pidFile = dir.resolve("mariadbd.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return;
            }
            String command = handle.get().info().commandLine().orElse("");
            if (!command.contains("mariadbd") || !command.contains("--datadir=" + dataDir())) {
                return;
            }
            log.warn("Stopping a MariaDB left running on this folder by an earlier run dir={} pid={}", dir, pid);
            handle.get().destroy();
            try {
                handle.get().onExit().get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                handle.get().destroyForcibly();
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("Unreadable pid file {}: {}", pidFile, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping a left-over MariaDB in " + dir, e);
        }
    }

    private Path socketPath() throws IOException {
        Path inDir = dir.resolve("mariadbd.sock");
        if (inDir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return inDir;
        }
        return Files.createTempDirectory("mesh-mariadb-sock").resolve("mariadbd.sock");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }

    private static String checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name must be 1 to 64 letters, digits or '_', was '" + name + "'");
        }
        return name;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    static int checkFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("MariaDB port " + HOST + ":" + port
                    + " is already in use; stop whatever listens there or choose another port");
        }
    }

    /** Builds an {@link EmbeddedMariaDb}; every option has a default. */
    public static final class Builder {
        private Path dir;
        private boolean deleteOnClose;
        private int port;
        private long serverId = 1;
        private String binlogBasename = "mariadb-bin";
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(60);
        private final Map<String, String> options = new LinkedHashMap<>();
        private MariaDbBinaries.Source source = MariaDbBinaries.Source.AUTO;
        private Path cacheDir = Path.of(System.getProperty("user.home"), ".cache", "mesh");

        private Builder() {
        }

        /** Keeps the server's data, binlogs and logs in this folder across restarts instead of a temporary one. */
        public Builder dir(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
            return this;
        }

        /** Port on 127.0.0.1; 0 (the default) picks a free one at the first start. 3306, the machine's own, is refused. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            if (port == MACHINE_PORT) {
                throw new IllegalArgumentException("port 3306 belongs to the machine's own MariaDB; choose another, e.g. 3307");
            }
            this.port = port;
            return this;
        }

        /** {@code server_id}, written into every binlog event and GTID (default 1); two servers side by side need two. */
        public Builder serverId(long id) {
            if (id < 1 || id > 4_294_967_295L) {
                throw new IllegalArgumentException("server id must be 1..4294967295, was " + id);
            }
            this.serverId = id;
            return this;
        }

        /** Basename of the binlog files (default {@code mariadb-bin}: {@code mariadb-bin.000001}, ...). */
        public Builder binlogBasename(String basename) {
            if (basename == null || !BASENAME.matcher(basename).matches()) {
                throw new IllegalArgumentException("binlog basename must be 1 to 64 letters, digits, '_' or '-', was '" + basename + "'");
            }
            this.binlogBasename = basename;
            return this;
        }

        /** How long a start waits for the server to accept root (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long a clean stop waits before it kills (default 60 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Any server option, as on mariadbd's command line without the dashes, e.g. {@code max_binlog_size}, {@code 4096}. */
        public Builder serverOption(String name, String value) {
            options.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Which binaries may run (default {@link MariaDbBinaries.Source#AUTO}: the machine's, else the bundled ones). */
        public Builder binaries(MariaDbBinaries.Source source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Where bundled binaries are unpacked (default {@code ~/.cache/mesh}). */
        public Builder cacheDir(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        public EmbeddedMariaDb build() {
            if (dir == null) {
                try {
                    dir = Files.createTempDirectory("mesh-mariadb-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a temporary MariaDB folder", e);
                }
                deleteOnClose = true;
            }
            return new EmbeddedMariaDb(this);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedMariaDb[" + HOST + ":" + port + ", dir=" + dir + "]";
    }
}
