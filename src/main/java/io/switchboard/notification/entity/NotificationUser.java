package io.switchboard.notification.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A user known to notifications (has connected, subscribed, or been notified), with the last sequence number
 * given out in their stream. The row is locked while a publication assigns sequence numbers, so a user's
 * sequence has no duplicates and commits in order.
 */
@Entity
@Table(name = "SB_NOTIFICATION_USER")
public class NotificationUser {

    @Id
    @Column(name = "USER_ID", length = 255)
    private String userId;

    @Column(name = "LAST_SEQ", nullable = false)
    private long lastSeq;

    protected NotificationUser() {}

    public NotificationUser(String userId) {
        this.userId = userId;
    }

    public String getUserId() {
        return userId;
    }

    public long getLastSeq() {
        return lastSeq;
    }

    public long nextSeq() {
        return ++lastSeq;
    }
}
