package io.switchboard.it;

import java.net.URI;
import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the integration test classes share: Arquillian runs them as clients of the WAR their {@code @Deployment}
 * deploys on the server of the build's execution (Payara or WildFly), and each test gets the WAR's addresses on
 * 127.0.0.1.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
abstract class DeployedTest {

    private static final AtomicInteger TESTS = new AtomicInteger();

    @ArquillianResource
    URL deployment;

    /** ws://127.0.0.1:port/context */
    URI ws;
    /** http://127.0.0.1:port/context */
    URI http;

    /**
     * Unique to this test and run (e.g. {@code s12x4711} in SecurityIT), so that the users and rooms of one test never
     * meet those of another, or of an earlier run on the same server.
     */
    String tag;

    @BeforeEach
    void addresses() {
        ws = Servers.ws(deployment);
        http = Servers.http(deployment);
        tag = Character.toLowerCase(getClass().getSimpleName().charAt(0)) + "" + TESTS.incrementAndGet() + "x"
                + System.nanoTime() % 100_000;
    }

    /** A user name of this test only: {@code name-tag}. */
    String user(String name) {
        return name + "-" + tag;
    }
}
