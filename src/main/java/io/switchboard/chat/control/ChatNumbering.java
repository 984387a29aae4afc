package io.switchboard.chat.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.UserTransaction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Numbers the room messages stored before rooms had sequence numbers (by id, which followed posting order on the
 * single node that stored them) and sets their rooms' last number, when the application starts; nothing to do once
 * done. Its own transaction, which never fails the start: where the tables do not exist yet there is nothing to
 * number. Plain SQL that H2 and PostgreSQL both take; nodes starting together do the same updates, the later one
 * finds nothing left.
 */
@ApplicationScoped
public class ChatNumbering {

    private static final Logger LOG = Logger.getLogger(ChatNumbering.class.getName());

    @PersistenceContext
    EntityManager em;

    @Resource
    UserTransaction transaction;

    void numberOlderMessages(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        try {
            transaction.begin();
            try {
                long unnumbered = em.createQuery(
                                "SELECT COUNT(m) FROM ChatMessage m WHERE m.seq IS NULL AND m.room IS NOT NULL",
                                Long.class)
                        .getSingleResult();
                if (unnumbered > 0) {
                    number();
                }
                transaction.commit();
                if (unnumbered > 0) {
                    LOG.log(Level.INFO, "Numbered {0} chat messages stored before room sequence numbers", unnumbered);
                }
            } catch (RuntimeException e) {
                transaction.rollback();
                LOG.log(Level.INFO, "Chat messages not numbered (the tables may not exist yet): {0}", e.toString());
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Chat messages not numbered", e);
        }
    }

    private void number() {
        em.createNativeQuery("UPDATE SB_CHAT_MESSAGE SET ROOM_SEQ = (SELECT COUNT(*) FROM SB_CHAT_MESSAGE o WHERE"
                        + " o.ROOM_NAME = SB_CHAT_MESSAGE.ROOM_NAME AND o.ID <= SB_CHAT_MESSAGE.ID)"
                        + " WHERE ROOM_SEQ IS NULL AND ROOM_NAME IS NOT NULL")
                .executeUpdate();
        em.createNativeQuery("UPDATE SB_CHAT_ROOM SET LAST_SEQ = (SELECT COALESCE(MAX(m.ROOM_SEQ), 0) FROM"
                        + " SB_CHAT_MESSAGE m WHERE m.ROOM_NAME = SB_CHAT_ROOM.NAME) WHERE LAST_SEQ IS NULL")
                .executeUpdate();
    }
}
