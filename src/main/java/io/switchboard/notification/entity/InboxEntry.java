package io.switchboard.notification.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/** A notification in one user's inbox, at position {@code seq} of that user's stream. */
@Entity
@Table(
        name = "SB_INBOX_ENTRY",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "SB_INBOX_USER_SEQ",
                        columnNames = {"USER_ID", "SEQ"}))
public class InboxEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "SB_INBOX_ENTRY_SEQ")
    @SequenceGenerator(name = "SB_INBOX_ENTRY_SEQ", sequenceName = "SB_INBOX_ENTRY_SEQ", allocationSize = 50)
    @Column(name = "ID")
    private Long id;

    @Column(name = "USER_ID", nullable = false, length = 255)
    private String userId;

    @Column(name = "SEQ", nullable = false)
    private long seq;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "NOTIFICATION_ID", nullable = false)
    private Notification notification;

    /** Copied from the notification so that expiry filters need no join. */
    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "READ_AT")
    private Long readAt;

    protected InboxEntry() {}

    public InboxEntry(String userId, long seq, Notification notification) {
        this.userId = userId;
        this.seq = seq;
        this.notification = notification;
        this.createdAt = notification.getCreatedAt().toEpochMilli();
        this.expiresAt = notification.getExpiresAt() == null
                ? null
                : notification.getExpiresAt().toEpochMilli();
    }

    public String getUserId() {
        return userId;
    }

    public long getSeq() {
        return seq;
    }

    public Notification getNotification() {
        return notification;
    }

    public boolean isRead() {
        return readAt != null;
    }

    /** @return true when this changed the entry */
    public boolean markRead(Instant at) {
        if (readAt != null) {
            return false;
        }
        readAt = at.toEpochMilli();
        return true;
    }
}
