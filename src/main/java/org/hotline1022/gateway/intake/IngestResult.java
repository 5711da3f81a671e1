package org.hotline1022.gateway.intake;

import java.time.Instant;

/**
 * What the store made of one submission, known only after its transaction committed.
 *
 * @param duplicate true when {@code (channel, externalId)} was stored before: nothing new was written
 * @param created true when the submission opened a new inquiry (false: it joined an open one)
 */
public record IngestResult(
    boolean duplicate, long inquiryId, String trackingCode, String status, String topic, String priority, String department,
    Instant dueAt, boolean created) {}
