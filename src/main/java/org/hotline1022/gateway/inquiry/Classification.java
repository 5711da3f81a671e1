package org.hotline1022.gateway.inquiry;

/** What the classifier decided for one text. */
public record Classification(Topic topic, Priority priority) {}
