package io.switchboard.notification.control;

import io.switchboard.notification.entity.Notification;
import java.util.List;
import java.util.Map;

/**
 * Fired inside the publishing transaction; observed after it commits to push the notification. A rollback
 * pushes nothing.
 *
 * @param deliveries each recipient and the sequence number the notification got in their stream
 * @param unread each recipient's unread count after this notification
 */
public record NotificationsStored(Notification notification, List<Delivery> deliveries, Map<String, Long> unread) {

    public record Delivery(String userId, long seq) {}
}
