package org.hotline1022.gateway.inquiry;

/** Attachment metadata; blobs are not carried in {@link Inbound}. Any field but {@code name} may be null. */
public record Attachment(String name, String contentType, Long size, String url) {}
