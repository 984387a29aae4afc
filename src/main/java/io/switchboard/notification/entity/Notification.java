package io.switchboard.notification.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** One published notification; each recipient's copy is an {@link InboxEntry}. */
@Entity
@Table(name = "SB_NOTIFICATION")
public class Notification {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "SB_NOTIFICATION_SEQ")
    @SequenceGenerator(name = "SB_NOTIFICATION_SEQ", sequenceName = "SB_NOTIFICATION_SEQ", allocationSize = 50)
    @Column(name = "ID")
    private Long id;

    /** Who it was for, as published: {@code user:bob}, {@code users:2}, {@code topic:deploys} or {@code everyone}. */
    @Column(name = "AUDIENCE", nullable = false, length = 100)
    private String audience;

    @Column(name = "TITLE", nullable = false, length = 200)
    private String title;

    @Column(name = "BODY", length = 4000)
    private String body;

    @Column(name = "LINK", length = 2000)
    private String link;

    @Column(name = "CATEGORY", length = 64)
    private String category;

    @Column(name = "SEVERITY", nullable = false, length = 16)
    private String severity;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    /** Epoch milliseconds after which it is no longer delivered; null: never expires. */
    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    @Column(name = "IDEMPOTENCY_KEY", unique = true, length = 128)
    private String idempotencyKey;

    @Column(name = "RECIPIENTS", nullable = false)
    private int recipients;

    protected Notification() {}

    public Notification(
            String audience,
            String title,
            String body,
            String link,
            String category,
            String severity,
            Instant createdAt,
            Instant expiresAt,
            String idempotencyKey) {
        this.audience = audience;
        this.title = title;
        this.body = body;
        this.link = link;
        this.category = category;
        this.severity = severity;
        this.createdAt = createdAt.toEpochMilli();
        this.expiresAt = expiresAt == null ? null : expiresAt.toEpochMilli();
        this.idempotencyKey = idempotencyKey;
    }

    public Long getId() {
        return id;
    }

    public String getAudience() {
        return audience;
    }

    public String getTitle() {
        return title;
    }

    public String getBody() {
        return body;
    }

    public String getLink() {
        return link;
    }

    public String getCategory() {
        return category;
    }

    public String getSeverity() {
        return severity;
    }

    public Instant getCreatedAt() {
        return Instant.ofEpochMilli(createdAt);
    }

    public Instant getExpiresAt() {
        return expiresAt == null ? null : Instant.ofEpochMilli(expiresAt);
    }

    public int getRecipients() {
        return recipients;
    }

    public void setRecipients(int recipients) {
        this.recipients = recipients;
    }
}
