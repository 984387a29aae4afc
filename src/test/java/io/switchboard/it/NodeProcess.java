package io.switchboard.it;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM of a test node: the process listening on the node's HTTP port ({@code ss}), checked against the marker
 * {@code -Dswitchboard.it.node=<qualifier>} that arquillian.xml gives each cluster node, so that only that one is hit.
 */
final class NodeProcess {

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    private NodeProcess() {}

    /** Kills the node's JVM with SIGKILL (kill -9: no shutdown hook, no close frame) and waits until it is gone. */
    static long kill9(URL deployment, String qualifier) throws IOException, InterruptedException {
        ProcessHandle node = of(deployment, qualifier);
        if (!node.destroyForcibly()) {
            throw new AssertionError("could not kill " + qualifier + " (pid " + node.pid() + ")");
        }
        node.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        return node.pid();
    }

    static ProcessHandle of(URL deployment, String qualifier) throws IOException, InterruptedException {
        int port = deployment.getPort();
        Process ss = new ProcessBuilder("ss", "-ltnpH", "sport = :" + port)
                .redirectErrorStream(true)
                .start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ss.waitFor(10, TimeUnit.SECONDS);
        Matcher pid = PID.matcher(out);
        if (!pid.find()) {
            throw new AssertionError("no process found listening on port " + port + ": " + out);
        }
        ProcessHandle process = ProcessHandle.of(Long.parseLong(pid.group(1)))
                .orElseThrow(() -> new AssertionError("process " + pid.group(1) + " is gone"));
        String commandLine = process.info().commandLine().orElse("");
        if (!commandLine.contains("-Dswitchboard.it.node=" + qualifier)) {
            throw new AssertionError("the process on port " + port + " is not " + qualifier + ": " + commandLine);
        }
        return process;
    }
}
