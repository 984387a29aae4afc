package io.switchboard.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A redis-server of the test's own on a free 127.0.0.1 port, without persistence, that the test may kill and start
 * again on the same port; the machine's Redis is left alone. Where redis-server is not installed the calling tests
 * are skipped with a visible message, except in CI (env CI), where they fail.
 */
final class PrivateRedis implements AutoCloseable {

    private static final String MISSING =
            "cluster (Redis) tests need redis-server on the PATH (Debian: apt-get install redis-server)";

    private final String binary;
    private final int port;
    private final Path dir;
    private Process process;

    private PrivateRedis(String binary) throws IOException {
        this.binary = binary;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = socket.getLocalPort();
        }
        this.dir = Files.createTempDirectory("switchboard-redis");
    }

    /** Starts one, or skips (fails in CI) when redis-server is not installed. */
    static PrivateRedis start() throws IOException, InterruptedException {
        String binary = find();
        if (binary == null) {
            if (System.getenv("CI") != null) {
                Assertions.fail("CI must run the cluster tests, but " + MISSING);
            }
            System.err.println("SKIPPED: " + MISSING); // the Maven log shows it; a JUnit skip alone is easy to miss
            Assumptions.assumeTrue(false, "SKIPPED: " + MISSING);
        }
        PrivateRedis redis = new PrivateRedis(binary);
        redis.startAgain();
        return redis;
    }

    private static String find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin");
        for (String entry : (path + ":/usr/bin:/usr/local/bin:/usr/sbin").split(File.pathSeparator)) {
            File candidate = new File(entry, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again, on the same port) and waits until it answers PING. */
    void startAgain() throws IOException {
        process = new ProcessBuilder(
                        binary,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        org.awaitility.Awaitility.await("redis-server on port " + port)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server did not start on port " + port + ": "
                                + Files.readString(dir.resolve("redis.log")));
                    }
                    return answers();
                });
    }

    /** kill -9 */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private boolean answers() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.read(reply);
            return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
