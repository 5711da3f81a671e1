package org.hotline1022.gateway.intake;

import java.time.Duration;
import java.time.Instant;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.inquiry.Priority;
import org.hotline1022.gateway.inquiry.Topic;

/**
 * An {@link Inbound} with intake's decisions attached, as handed to the writer. Used for a new
 * inquiry only; a message that joins an open inquiry keeps that inquiry's routing.
 *
 * @param threadingWindow how far back an open inquiry of the same contact may be joined; zero = never
 */
public record Submission(Inbound inbound, Topic topic, Priority priority, String department, Instant dueAt, Duration threadingWindow) {}
