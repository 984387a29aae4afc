package io.switchboard.protocol;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ValidatorFactory;

/** Hands the server's {@link ValidatorFactory} (a built-in bean of every Jakarta EE container) to {@link Constraints}. */
@ApplicationScoped
public class ValidatorSetup {

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted, ValidatorFactory factory) {
        Constraints.use(factory);
    }
}
