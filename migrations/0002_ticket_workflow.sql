-- Workflow integrity (issue 15): a cancelled ticket keeps its reason; the customer is told of a
-- cancelled or moved visit, and on-duty staff are alerted, through scheduled messages.

alter table tickets
    add column cancellation_reason text check (length(cancellation_reason) between 1 and 500);

alter table scheduled_messages
    drop constraint scheduled_messages_message_type_check,
    add constraint scheduled_messages_message_type_check check (message_type in (
        'appointment_confirmation', 'appointment_reminder', 'service_reminder',
        'verification_code', 'invoice', 'payment_reminder', 'custom', 'reply',
        'appointment_cancelled', 'appointment_moved', 'staff_alert'));
