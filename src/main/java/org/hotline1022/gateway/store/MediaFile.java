package org.hotline1022.gateway.store;

import io.vertx.core.buffer.Buffer;

/**
 * A downloaded attachment as agents read it. {@code bytes} is null unless {@code status} is
 * {@code stored} ({@code pending}, {@code too_large}, {@code failed} keep the metadata only).
 */
public record MediaFile(long id, String kind, String name, String status, String contentType, Buffer bytes) {}
