package io.switchboard.it;

import java.net.URI;
import java.net.URL;
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

    @ArquillianResource
    URL deployment;

    /** ws://127.0.0.1:port/context */
    URI ws;
    /** http://127.0.0.1:port/context */
    URI http;

    @BeforeEach
    void addresses() {
        ws = Servers.ws(deployment);
        http = Servers.http(deployment);
    }
}
