package io.switchboard.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.chat.boundary.RoomsResource;
import io.switchboard.notification.boundary.InboxResource;
import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import jakarta.validation.ConstraintViolation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resource parameters are validated by the JAX-RS runtime; the problem names them as the client sent them. */
class ProblemMappersTest {

    private static InvalidMessage violations(Object resource, String method, Object... arguments) throws Exception {
        Method target = List.of(resource.getClass().getMethods()).stream()
                .filter(m -> m.getName().equals(method))
                .findFirst()
                .orElseThrow();
        Set<ConstraintViolation<Object>> violations =
                Constraints.validator().forExecutables().validateParameters(resource, target, arguments);
        return ProblemMappers.InvalidParameter.invalid(List.copyOf(violations));
    }

    @Test
    void aBadQueryParameterIsNamedByItsQueryParamNotItsJavaName() throws Exception {
        InvalidMessage e = violations(new RoomsResource(), "messages", "lobby", null, 9999);
        assertEquals(ErrorCode.INVALID_FIELD, e.code());
        assertEquals("field 'limit' must be between 1 and 200", e.getMessage());
    }

    @Test
    void theFirstBadParameterInTheMethodsOrderIsNamed() throws Exception {
        assertEquals(
                "field 'room' must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit",
                violations(new RoomsResource(), "messages", "no spaces", null, 0)
                        .getMessage());
        assertEquals(
                "field 'topic' must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit",
                violations(new InboxResource(), "subscribe", "bob", "-topic").getMessage());
        assertEquals(
                "field 'user' must be 1-32 letters, digits, '.', '-' or '_'",
                violations(new InboxResource(), "notifications", "bob smith", 0L, 0)
                        .getMessage());
    }

    @Test
    void aResourceSubclassLikeACdiProxyStillFindsTheAnnotations() throws Exception {
        RoomsResource proxy = new RoomsResource() {
            @Override
            public HistoryView messages(String room, Long before, Integer limit) {
                return super.messages(room, before, limit);
            }
        };
        // the subclass must not redeclare constraints (Bean Validation forbids it), like Weld's generated proxies
        Method declared = RoomsResource.class.getMethod("messages", String.class, Long.class, Integer.class);
        Set<ConstraintViolation<Object>> violations = Constraints.validator()
                .forExecutables()
                .validateParameters(proxy, declared, new Object[] {"lobby", null, 0});
        assertEquals(
                "field 'limit' must be between 1 and 200",
                ProblemMappers.InvalidParameter.invalid(List.copyOf(violations)).getMessage());
    }
}
