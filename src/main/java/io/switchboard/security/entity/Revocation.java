package io.switchboard.security.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A user's revocation: credentials issued to them up to {@code revokedAt} are refused, across restarts too. */
@Entity
@Table(name = "SB_REVOCATION")
public class Revocation {

    @Id
    @Column(name = "USER_ID", length = 32)
    private String userId;

    @Column(name = "REVOKED_AT", nullable = false)
    private long revokedAt;

    protected Revocation() {}

    public Revocation(String userId, Instant revokedAt) {
        this.userId = userId;
        this.revokedAt = revokedAt.toEpochMilli();
    }

    public String getUserId() {
        return userId;
    }

    public Instant getRevokedAt() {
        return Instant.ofEpochMilli(revokedAt);
    }

    public void setRevokedAt(Instant revokedAt) {
        this.revokedAt = revokedAt.toEpochMilli();
    }
}
