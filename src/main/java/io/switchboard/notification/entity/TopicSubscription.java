package io.switchboard.notification.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** A user's subscription to a notification topic. */
@Entity
@Table(
        name = "SB_TOPIC_SUBSCRIPTION",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "SB_TOPIC_SUBSCRIPTION_USER",
                        columnNames = {"TOPIC", "USER_ID"}))
public class TopicSubscription {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "SB_TOPIC_SUBSCRIPTION_SEQ")
    @SequenceGenerator(
            name = "SB_TOPIC_SUBSCRIPTION_SEQ",
            sequenceName = "SB_TOPIC_SUBSCRIPTION_SEQ",
            allocationSize = 50)
    @Column(name = "ID")
    private Long id;

    @Column(name = "TOPIC", nullable = false, length = 64)
    private String topic;

    @Column(name = "USER_ID", nullable = false, length = 255)
    private String userId;

    protected TopicSubscription() {}

    public TopicSubscription(String topic, String userId) {
        this.topic = topic;
        this.userId = userId;
    }

    public String getTopic() {
        return topic;
    }

    public String getUserId() {
        return userId;
    }
}
